/**
 * TRES and GRES notations, which differ between commands and releases:
 *   tres-alloc / AllocTRES:  "cpu=2,mem=1G,node=1,billing=2,gres/gpu=1"
 *   tres-per-node:           "gpu:1" (22.05), "gres/gpu:1" (23.02+), "gres:gpu:1", "gpu:tesla:2"
 *   sinfo Gres:              "gpu:2", "gpu:tesla:2(S:0-1)", "gpu:2,mps:100"
 *   sinfo GresUsed:          "gpu:0(IDX:N/A)", "gpu:tesla:1(IDX:0,2)"
 * None of these throw: an entry we cannot read counts as 0 GPUs, the raw text is kept by callers.
 */

/** "cpu=2,mem=1G,gres/gpu=1" -> Map. Entries without "=" are ignored. */
export function parseTresList(text: string): Map<string, string> {
  const out = new Map<string, string>();
  if (text === '' || text === '(null)' || text === 'N/A') return out;
  for (const item of text.split(',')) {
    const eq = item.indexOf('=');
    if (eq > 0) out.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return out;
}

/** GPUs in a TRES list ("gres/gpu=2" or typed "gres/gpu:a100=2"); typed ones are not double-counted. */
export function gpusInTres(text: string): number | undefined {
  if (!text.includes('gpu')) return undefined;
  const tres = parseTresList(text);
  const total = tres.get('gres/gpu');
  if (total !== undefined) return toCount(total);
  let sum: number | undefined;
  for (const [k, v] of tres) {
    if (k.startsWith('gres/gpu:')) sum = (sum ?? 0) + (toCount(v) ?? 0);
  }
  return sum;
}

/** Splits on commas that are not inside parentheses: "gpu:2(IDX:0,1),mps:100". */
export function splitGresList(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.filter((s) => s !== '');
}

/**
 * GPU count in a GRES-style list ("gpu:2", "gres/gpu:tesla:1(IDX:0)", "gres:gpu:1"),
 * or undefined when the list names no GPU at all.
 */
export function gpusInGres(text: string): number | undefined {
  if (!text.includes('gpu')) return undefined;
  let sum: number | undefined;
  for (const entry of splitGresList(text)) {
    const bare = entry.replace(/\(.*$/, '');
    const parts = bare.split(':');
    // Drop the "gres/" or "gres:" prefix.
    if (parts[0] === 'gres') parts.shift();
    else if (parts[0]?.startsWith('gres/')) parts[0] = parts[0].slice(5);
    if (parts[0] !== 'gpu') continue;
    // gpu | gpu:N | gpu:type | gpu:type:N
    const last = parts[parts.length - 1] ?? '';
    const n = parts.length >= 2 && /^\d+[KMG]?$/.test(last) ? toCount(last) : 1;
    sum = (sum ?? 0) + (n ?? 0);
  }
  return sum;
}

/** "2" -> 2, "2K" -> 2048 (Slurm counts use binary suffixes for GRES). */
function toCount(v: string): number | undefined {
  const m = /^(\d+)([KMG])?$/.exec(v);
  if (!m) return undefined;
  const mult = m[2] === 'K' ? 1024 : m[2] === 'M' ? 1024 ** 2 : m[2] === 'G' ? 1024 ** 3 : 1;
  return Number(m[1]) * mult;
}

/** Memory like "500M", "4G", "1T", "2048" (MB) -> megabytes; undefined for N/A or unreadable. */
export function parseMemoryMb(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGTP])?[nc]?$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  switch (m[2]) {
    case 'K':
      return n / 1024;
    case 'G':
      return n * 1024;
    case 'T':
      return n * 1024 * 1024;
    case 'P':
      return n * 1024 * 1024 * 1024;
    default:
      return n;
  }
}
