/**
 * Slurm hostlist expressions: "node[1-3,7]", "gpu[01-02]-ib", "a1,b[2-3]". Reservations name their
 * nodes this way; we expand them to compare with sinfo's per-node rows. A bound keeps a typo such
 * as "n[1-99999999]" from allocating a huge list.
 */
const MAX_HOSTS = 100_000;

export function expandHostlist(expr: string): string[] {
  const out: string[] = [];
  for (const item of splitTopLevel(expr.trim())) {
    if (item === '' || item === '(null)') continue;
    expandItem(item, out);
    if (out.length > MAX_HOSTS) throw new Error(`hostlist "${expr}" names more than ${MAX_HOSTS} hosts`);
  }
  return out;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function expandItem(item: string, out: string[]): void {
  const open = item.indexOf('[');
  if (open < 0) {
    out.push(item);
    return;
  }
  const close = item.indexOf(']', open);
  if (close < 0) {
    out.push(item);
    return;
  }
  const prefix = item.slice(0, open);
  const rest = item.slice(close + 1);
  for (const range of item.slice(open + 1, close).split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (!m) {
      out.push(`${prefix}${range}${rest}`);
      continue;
    }
    const width = m[1].length;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let n = from; n <= to; n++) {
      // Suffixes may hold more brackets ("r[1-2]n[1-2]"): expand them recursively.
      expandItem(`${prefix}${String(n).padStart(width, '0')}${rest}`, out);
      if (out.length > MAX_HOSTS) return;
    }
  }
}
