// A finding's message as the editor shows it. Models write `code` in backticks; a comment thread
// shows those as code. Everything else the model wrote stays text: links, images, HTML, headings
// and emphasis are escaped, so a message cannot fetch an image or offer a link.

/** What could make a link, an image, HTML or emphasis; line-start markers are handled apart. */
const markdownSpecials = /[\\`*_[\]<>!~|]/g;

/** Markdown for a finding's message: its backtick code spans as code, the rest as literal text. */
export function findingMessageMarkdown(message: string): string {
  return message
    .split(/(`[^`\n]+`)/)
    .map((part, index) => (index % 2 === 1 ? part : part.replace(markdownSpecials, "\\$&")))
    .join("")
    // A line starting like a heading, a list or a quote stays a sentence.
    .replace(/^(\s*)([#>+-]|\d+\.)/gm, (_whole, space: string, marker: string) => `${space}\\${marker}`);
}
