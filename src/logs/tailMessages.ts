/**
 * What GNU `tail -F` says on stderr (coreutils 8.x–9.x), classified. The follower needs three
 * facts from it: the file is not there (yet), the file restarted from byte 0 (truncated, replaced,
 * re-appeared: our byte offset must restart too), or something else went wrong.
 *
 *   tail: cannot open 'x' for reading: No such file or directory
 *   tail: 'x' has appeared;  following new file
 *   tail: 'x' has become inaccessible: No such file or directory
 *   tail: 'x' has been replaced;  following new file
 *   tail: x: file truncated
 *   tail: inotify cannot be used, reverting to polling
 */
export type TailMessage =
  | { kind: 'waiting'; text: string }
  | { kind: 'restarted'; why: 'truncated' | 'replaced' | 'appeared'; text: string }
  | { kind: 'unreadable'; text: string }
  | { kind: 'info'; text: string }
  | { kind: 'other'; text: string };

export function classifyTailMessage(line: string): TailMessage {
  const text = line.trim();
  if (/: file truncated$/.test(text)) return { kind: 'restarted', why: 'truncated', text };
  if (/ has been replaced;\s+following new file$/.test(text)) return { kind: 'restarted', why: 'replaced', text };
  if (/ has appeared;\s+following new file$/.test(text)) return { kind: 'restarted', why: 'appeared', text };
  if (/Permission denied/.test(text)) return { kind: 'unreadable', text };
  if (/^tail: cannot open .* No such file or directory$/.test(text) || / has become inaccessible/.test(text)) return { kind: 'waiting', text };
  if (/reverting to polling|cannot watch|inotify/.test(text)) return { kind: 'info', text };
  return { kind: 'other', text };
}

/** Splits stderr chunks into complete lines (tail's messages are short and ASCII-framed). */
export class LineSplitter {
  private rest = '';
  push(chunk: Buffer | string): string[] {
    this.rest += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const parts = this.rest.split('\n');
    this.rest = parts.pop() ?? '';
    return parts.filter((p) => p !== '');
  }
  flush(): string[] {
    const r = this.rest;
    this.rest = '';
    return r === '' ? [] : [r];
  }
}
