/**
 * The page every webview of ours starts from: one stylesheet and one nonce'd script from a media
 * folder, and a Content-Security-Policy that allows nothing else (no inline script, nothing remote).
 * Widths set through element.style (CSSOM) are not governed by style-src, so bars still draw.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPageParts {
  /** File names inside `mediaRoot`. */
  script: string;
  style: string;
  /** Already escaped. */
  title: string;
  /** The body's markup before the script, already escaped where it holds data. */
  body: string;
}

export function webviewPage(webview: vscode.Webview, mediaRoot: vscode.Uri, parts: WebviewPageParts): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, parts.script));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, parts.style));
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${parts.title}</title>
</head>
<body>
${parts.body}
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
