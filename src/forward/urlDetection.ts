/**
 * Links a job prints that a browser on this side cannot reach as they are: Jupyter's
 * `http://127.0.0.1:8888/lab?token=…` or `http://node1:8888/…`, TensorBoard's `http://node1:6006/`,
 * Ray's dashboard at `http://127.0.0.1:8265`, http.server's `(http://0.0.0.0:8000/)`. Each is found
 * with the node it points at (a loopback or wildcard host means the job's own node) so it can be
 * forwarded and rewritten to the local port. Pure; no URL parsing library (URL would normalise the
 * token-bearing path we must keep byte for byte).
 */

export interface DetectedUrl {
  /** The link as printed, trailing punctuation removed. */
  url: string;
  /** Offsets of `url` in the scanned text. */
  start: number;
  end: number;
  scheme: 'http' | 'https';
  /** The host as printed. */
  host: string;
  /** The job node the link points at; undefined for a loopback/wildcard host (the job's node, any of them). */
  node?: string;
  port: number;
}

const URL_RE = /\bhttps?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})(?=[/?#\s)\]}>"',;.:!]|$)[^\s"'<>`]*/g;
/** Printed around links in prose and that no server puts at a link's end. */
const TRAILING = /[.,;:!?)\]}'"]+$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]', '[::]']);

/** The job node `host` names: itself or a qualified form (`node1.cluster.local`), case-insensitively. */
export function matchNode(host: string, jobNodes: readonly string[]): string | undefined {
  const h = host.toLowerCase();
  return jobNodes.find((n) => {
    const name = n.toLowerCase();
    return h === name || h.startsWith(`${name}.`);
  });
}

/** Links in `text` that point at the job's node(s) or at loopback, in order of appearance. */
export function detectForwardableUrls(text: string, jobNodes: readonly string[]): DetectedUrl[] {
  const out: DetectedUrl[] = [];
  for (const m of text.matchAll(URL_RE)) {
    let url = m[0];
    // A `)` closing an opening `(` in the link itself stays (rare); prose punctuation goes.
    url = url.replace(TRAILING, '');
    const port = Number(m[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
    const host = m[1];
    const loopback = LOOPBACK.has(host.toLowerCase());
    const node = loopback ? undefined : matchNode(host, jobNodes);
    if (!loopback && node === undefined) continue;
    out.push({
      url,
      start: m.index,
      end: m.index + url.length,
      scheme: url.startsWith('https') ? 'https' : 'http',
      host,
      ...(node !== undefined ? { node } : {}),
      port,
    });
  }
  return out;
}

/** `url` with its host and port replaced by `127.0.0.1:<localPort>`; path, query and fragment unchanged. */
export function rewriteToLocal(url: string, localPort: number): string {
  return url.replace(/^(https?:\/\/)(\[[0-9A-Fa-f:.]+\]|[^/:?#]+):\d+/, `$1127.0.0.1:${localPort}`);
}
