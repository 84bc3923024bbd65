// The chat webview's page: one script, loaded by nonce; a Content-Security-Policy that starts from
// `default-src 'none'` and allows only the extension's own styles, fonts and images — no inline
// script, no connect-src (the page cannot reach any server), no frames, no forms.
export interface ChatHtmlParts {
  /** A fresh random value per page. */
  nonce: string;
  /** The webview's `cspSource` (the extension's own resources). */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** The page's language: "en" or "zh-CN". */
  lang: string;
}

export function chatContentSecurityPolicy(nonce: string, cspSource: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join("; ");
}

const attribute = (value: string): string =>
  value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function chatHtml(parts: ChatHtmlParts): string {
  const csp = chatContentSecurityPolicy(parts.nonce, parts.cspSource);
  return `<!DOCTYPE html>
<html lang="${attribute(parts.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(parts.styleUri)}">
<title>Hearth Chat</title>
</head>
<body>
<div id="app"></div>
<script nonce="${attribute(parts.nonce)}" src="${attribute(parts.scriptUri)}"></script>
</body>
</html>`;
}
