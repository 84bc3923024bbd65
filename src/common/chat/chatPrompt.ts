// What the model is given for a question with context attached (a selection, files, retrieved
// passages): each piece in a fence long enough that its own backticks cannot close it, labelled with
// where it came from, then the question. Also the checks that keep binary data out of a prompt.
import type { ChatAttachmentView } from "../webviewProtocol";

export interface ChatAttachment extends ChatAttachmentView {
  /** The text given to the model. */
  content: string;
  /** A fence info string (a language id), when known. */
  language?: string;
}

/** The prompt for `question` with `attachments` (the question alone when there are none). */
export function buildPrompt(question: string, attachments: readonly ChatAttachment[]): string {
  if (attachments.length === 0) return question;
  const parts = attachments.map((attachment) => {
    const fence = fenceFor(attachment.content);
    const heading = attachment.kind === "workspace" ? attachment.label : `${attachment.detail ?? attachment.label}`;
    return `${heading}\n${fence}${attachment.language ?? ""}\n${attachment.content.replace(/\n$/, "")}\n${fence}`;
  });
  return `Context for the question below:\n\n${parts.join("\n\n")}\n\nQuestion: ${question}`;
}

/** Three backticks, or more than the longest run of them in `content`. */
export function fenceFor(content: string): string {
  let longest = 0;
  for (const match of content.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return "`".repeat(Math.max(3, longest + 1));
}

/**
 * True when `text` looks like binary data decoded as text: a NUL, or many control characters or
 * replacement characters (what invalid UTF-8 becomes).
 */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 8192);
  if (sample.length === 0) return false;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const code = sample.charCodeAt(i);
    if (code === 0) return true;
    if ((code < 32 && code !== 9 && code !== 10 && code !== 13 && code !== 12) || code === 0xfffd) odd++;
  }
  return odd / sample.length > 0.1;
}

/** The fence info string for a VS Code language id (most are the same). */
export function fenceLanguage(languageId: string): string {
  const aliases: Record<string, string> = {
    typescriptreact: "tsx",
    javascriptreact: "jsx",
    shellscript: "bash",
    plaintext: "",
  };
  return aliases[languageId] ?? languageId;
}

/** The VS Code language id for a fence's language label (for New File); null when unknown. */
export function languageIdForFence(label: string): string | null {
  const lower = label.toLowerCase();
  const aliases: Record<string, string> = {
    js: "javascript",
    ts: "typescript",
    tsx: "typescriptreact",
    jsx: "javascriptreact",
    py: "python",
    sh: "shellscript",
    bash: "shellscript",
    shell: "shellscript",
    zsh: "shellscript",
    yml: "yaml",
    md: "markdown",
    rs: "rust",
    golang: "go",
    "c++": "cpp",
    "c#": "csharp",
    cs: "csharp",
    html: "html",
    xml: "xml",
  };
  if (!lower) return null;
  return aliases[lower] ?? (/^[a-z][\w-]*$/.test(lower) ? lower : null);
}
