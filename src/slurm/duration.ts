/**
 * Durations as Slurm prints them: "M:SS" / "MM:SS", "HH:MM:SS", "D-HH:MM:SS" (sacct also adds
 * ".mmm" to CPU times), and the words UNLIMITED, INVALID (squeue: negative, e.g. clock skew),
 * N/A, NOT_SET, Partition_Limit (sacct: no own limit) and the empty string.
 */
import { FieldFormatError } from './fieldError';

export type Duration =
  | { kind: 'seconds'; seconds: number }
  | { kind: 'unlimited' }
  | { kind: 'invalid' }
  /** Not set / not applicable; `text` says which word Slurm used. */
  | { kind: 'none'; text: string };

const UNLIMITED: Duration = Object.freeze({ kind: 'unlimited' });
const INVALID: Duration = Object.freeze({ kind: 'invalid' });
const NONE_WORDS = new Set(['', 'N/A', 'NOT_SET', 'Partition_Limit', 'None', '(null)']);

const DURATION_RE = /^(?:(\d+)-)?(\d+):(\d+)(?::(\d+))?(?:\.(\d+))?$/;

export function parseDuration(text: string, field = 'duration'): Duration {
  const m = DURATION_RE.exec(text);
  if (m) {
    const days = m[1] === undefined ? 0 : Number(m[1]);
    const a = Number(m[2]);
    const b = Number(m[3]);
    let total: number;
    if (m[4] !== undefined) total = a * 3600 + b * 60 + Number(m[4]); // [D-]HH:MM:SS
    else if (m[1] !== undefined) total = a * 3600 + b * 60; // D-HH:MM (Slurm's input form)
    else total = a * 60 + b; // MM:SS
    const frac = m[5] === undefined ? 0 : Number(`0.${m[5]}`);
    return seconds(days * 86400 + total + frac);
  }
  if (text === 'UNLIMITED' || text === 'INFINITE') return UNLIMITED;
  if (text === 'INVALID') return INVALID;
  if (NONE_WORDS.has(text)) return { kind: 'none', text };
  throw new FieldFormatError(field, text, 'a Slurm duration ([D-]HH:MM:SS, MM:SS, UNLIMITED, N/A)');
}

function seconds(n: number): Duration {
  return { kind: 'seconds', seconds: n };
}

/** Seconds or undefined, for arithmetic. */
export function durationSeconds(d: Duration): number | undefined {
  return d.kind === 'seconds' ? d.seconds : undefined;
}

/** Two digits. Module level, not a closure per call: a poll formats 20,000 durations. */
function p2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Slurm's own rendering: "M:SS" under an hour, "H:MM:SS", "D-HH:MM:SS". */
export function formatDuration(d: Duration): string {
  switch (d.kind) {
    case 'unlimited':
      return 'UNLIMITED';
    case 'invalid':
      return 'INVALID';
    case 'none':
      return d.text === '' ? 'N/A' : d.text;
    case 'seconds': {
      const total = Math.floor(d.seconds);
      const days = Math.floor(total / 86400);
      const h = Math.floor((total % 86400) / 3600);
      const m = Math.floor((total % 3600) / 60);
      const s = total % 60;
      if (days > 0) return `${days}-${p2(h)}:${p2(m)}:${p2(s)}`;
      if (h > 0) return `${h}:${p2(m)}:${p2(s)}`;
      return `${m}:${p2(s)}`;
    }
  }
}

/** Per-output memo: a listing repeats the same few limits and "0:00" thousands of times. */
export function memoDurationParser(): (text: string, field: string) => Duration {
  const memo = new Map<string, Duration>();
  // One compare before the Map: a column mostly repeats the previous row's text (same string).
  let lastText: string | undefined;
  let last: Duration | undefined;
  return (text, field) => {
    if (text === lastText && last !== undefined) return last;
    let d = memo.get(text);
    if (d === undefined) {
      d = Object.freeze(parseDuration(text, field));
      memo.set(text, d);
    }
    lastText = text;
    last = d;
    return d;
  };
}
