/**
 * Timestamps. Slurm prints local wall-clock time of the host running the command, with no zone
 * ("2026-11-26T14:12:24"), or words: "N/A", "Unknown", "None" (never happened / not planned).
 *
 * Our builders set SLURM_TIME_FORMAT so the zone is printed ("...T14:12:24+0100"): that is exact
 * even across daylight-saving changes. For output without a zone (other tools, older fixtures, a
 * cluster that ignores the variable) we fall back to the cluster's UTC offset, learned once per
 * connection with `date +%z` (see context.ts) — right for every time in the current DST period.
 */
import { FieldFormatError } from './fieldError';

/** strftime pattern passed as SLURM_TIME_FORMAT: ISO 8601 plus numeric zone. */
export const SLURM_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S%z';

const NO_TIME = new Set(['', 'N/A', 'Unknown', 'None', '(null)', '0']);
const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a Slurm timestamp. `utcOffsetMinutes` is used only when the text carries no zone.
 * Returns undefined for "no time" words.
 */
export function parseSlurmTime(text: string, utcOffsetMinutes: number, field = 'time'): Date | undefined {
  if (NO_TIME.has(text)) return undefined;
  const m = TIME_RE.exec(text);
  if (!m) throw new FieldFormatError(field, text, 'a timestamp like 2026-01-31T23:59:59');
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    throw new FieldFormatError(field, text, 'a valid calendar time');
  }
  const offset = m[7] === undefined ? utcOffsetMinutes : zoneToMinutes(m[7]);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000;
  return new Date(utc);
}

/** "+0100" / "-05:30" / "Z" -> minutes east of UTC. */
export function parseUtcOffset(text: string): number {
  const t = text.trim();
  if (t === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(t);
  if (!m) throw new FieldFormatError('UTC offset', text, 'like +0100');
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  if (minutes > 18 * 60) throw new FieldFormatError('UTC offset', text, 'within ±18 hours');
  return m[1] === '-' ? -minutes : minutes;
}

function zoneToMinutes(zone: string): number {
  return parseUtcOffset(zone);
}

export type TimeParser = (text: string, field: string) => Date | undefined;

/**
 * A parser for one output: timestamps repeat a lot within a listing (jobs submitted together),
 * so each distinct text is parsed once. Dates are shared; treat them as read-only.
 */
export function memoTimeParser(utcOffsetMinutes: number): TimeParser {
  // null marks "no time" so that a miss (undefined) costs one lookup, not two.
  const memo = new Map<string, Date | null>();
  // Consecutive rows mostly repeat a timestamp (jobs submitted together; the records splitter then
  // hands over the very same string): one compare before the Map lookup.
  let lastText: string | undefined;
  let lastDate: Date | undefined;
  return (text, field) => {
    if (text === lastText) return lastDate;
    lastText = undefined;
    const hit = memo.get(text);
    if (hit !== undefined) {
      lastText = text;
      lastDate = hit ?? undefined;
      return lastDate;
    }
    const d = parseSlurmTime(text, utcOffsetMinutes, field);
    memo.set(text, d ?? null);
    lastText = text;
    lastDate = d;
    return d;
  };
}
