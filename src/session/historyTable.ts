/**
 * The job history table (issue 20 point 4): one row per finished job of a window, from the two
 * history calls (src/slurm/historyCall.ts), with an efficiency column from the same figures as
 * Show Efficiency (session/efficiency.ts); filtering, sorting, and CSV export. Pure: no I/O, no
 * vscode. The webview only draws what `historyView` computes, and the export writes `historyCsv`
 * of the very rows the user sees, so the two never disagree.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import { durationSeconds, formatDuration } from '../slurm/duration';
import type { JobUsage } from '../slurm/efficiency';
import { formatExitCode } from '../slurm/exitCode';
import type { AccountingJob } from '../slurm/sacct';
import { jobEfficiency } from './efficiency';

/** Finished states grouped the way people filter them. */
export const STATE_GROUPS = ['completed', 'failed', 'cancelled', 'timeout'] as const;
export type StateGroup = (typeof STATE_GROUPS)[number];

/** Everything that is not COMPLETED, CANCELLED-like or TIMEOUT went wrong: failed. */
export function stateGroup(state: string): StateGroup {
  switch (state) {
    case 'COMPLETED':
      return 'completed';
    case 'CANCELLED':
    case 'PREEMPTED':
    case 'REVOKED':
      return 'cancelled';
    case 'TIMEOUT':
    case 'DEADLINE':
      return 'timeout';
    default:
      return 'failed';
  }
}

export interface HistoryRow {
  /** As sacct prints it: 123, 123_4, 123+0. */
  jobId: string;
  /** JobIDRaw: the numeric order of submission, for sorting ids. */
  rawJobId: number;
  name: string;
  /** Long state name, "CANCELLED". */
  state: string;
  /** As printed: "CANCELLED by 2000". */
  stateText: string;
  group: StateGroup;
  /** '' when sacct printed none. */
  partition: string;
  /** ISO 8601, UTC ("2026-12-04T21:27:26.000Z"). */
  submit?: string;
  start?: string;
  end?: string;
  elapsedSeconds?: number;
  /** Slurm's form, "1:02:03". */
  elapsed: string;
  /** "3:0" (exit 3), "0:15" (signal 15); '' when none. */
  exitCode: string;
  /** Percentages (0..100, above 100 when a job used more than it asked for); undefined when not measured. */
  cpuPercent?: number;
  memoryPercent?: number;
  timePercent?: number;
}

const round1 = (fraction: number | undefined): number | undefined => (fraction === undefined ? undefined : Math.round(fraction * 1000) / 10);

/** Joins the listing with the usage (by job id) into rows, in the listing's order. */
export function historyRows(jobs: readonly AccountingJob[], usage: readonly JobUsage[]): HistoryRow[] {
  const usageById = new Map(usage.map((u) => [u.id.text, u]));
  return jobs.map((j): HistoryRow => {
    const u = usageById.get(j.id.text);
    const e = u ? jobEfficiency(u) : undefined;
    return {
      jobId: j.id.text,
      rawJobId: j.rawJobId,
      name: j.name,
      state: j.state.name,
      stateText: j.state.raw,
      group: stateGroup(j.state.name),
      partition: j.partition ?? '',
      submit: j.submitTime?.toISOString(),
      start: j.startTime?.toISOString(),
      end: j.endTime?.toISOString(),
      elapsedSeconds: durationSeconds(j.elapsed),
      elapsed: formatDuration(j.elapsed),
      exitCode: j.exitCode ? formatExitCode(j.exitCode) : '',
      cpuPercent: round1(e?.cpu?.fraction),
      memoryPercent: round1(e?.memory?.fraction),
      timePercent: round1(e?.time?.fraction),
    };
  });
}

export const SORT_KEYS = ['jobId', 'name', 'state', 'partition', 'submit', 'start', 'end', 'elapsed', 'exitCode', 'cpuPercent', 'memoryPercent', 'timePercent'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** The table's columns, in order: header text and CSV cell. The webview draws the same list. */
export const HISTORY_COLUMNS: readonly { key: SortKey; label: string; cell: (r: HistoryRow) => string }[] = [
  { key: 'jobId', label: 'Job ID', cell: (r) => r.jobId },
  { key: 'name', label: 'Name', cell: (r) => r.name },
  { key: 'state', label: 'State', cell: (r) => r.stateText },
  { key: 'partition', label: 'Partition', cell: (r) => r.partition },
  { key: 'submit', label: 'Submit', cell: (r) => r.submit ?? '' },
  { key: 'start', label: 'Start', cell: (r) => r.start ?? '' },
  { key: 'end', label: 'End', cell: (r) => r.end ?? '' },
  { key: 'elapsed', label: 'Elapsed', cell: (r) => r.elapsed },
  { key: 'exitCode', label: 'Exit code', cell: (r) => r.exitCode },
  { key: 'cpuPercent', label: 'CPU %', cell: (r) => num(r.cpuPercent) },
  { key: 'memoryPercent', label: 'Memory %', cell: (r) => num(r.memoryPercent) },
  { key: 'timePercent', label: 'Time used %', cell: (r) => num(r.timePercent) },
];

function num(n: number | undefined): string {
  return n === undefined ? '' : String(n);
}

/** What the user filters and sorts by; it comes from the webview, so it is validated. */
export const historyQuerySchema = lazySchema(() => z.object({
  /** Empty or missing: every group. */
  groups: z.array(z.enum(STATE_GROUPS)).max(STATE_GROUPS.length).optional(),
  /** Case-insensitive, in the name or the id. */
  text: z.string().max(500).optional(),
  /** Exact partition; empty or missing: all. */
  partition: z.string().max(200).optional(),
  sort: z.enum(SORT_KEYS).default('end'),
  descending: z.boolean().default(true),
}));
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

/** Everything the history page may send the extension; anything else is dropped. */
export const historyPageMessageSchema = lazySchema(() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('query'), query: historyQuerySchema }),
  z.object({ type: z.literal('export'), query: historyQuerySchema }),
  // A job id as sacct prints it (123, 123_4, 123+0): it becomes an argument of scontrol.
  z.object({ type: z.literal('open'), jobId: z.string().regex(/^[0-9][0-9_+[\]%,-]*$/).max(100) }),
  z.object({ type: z.literal('rendered'), rows: z.number().int().nonnegative() }),
]));
export type HistoryPageMessage = z.infer<typeof historyPageMessageSchema>;

export function filterRows(rows: readonly HistoryRow[], q: Pick<HistoryQuery, 'groups' | 'text' | 'partition'>): HistoryRow[] {
  const groups = q.groups && q.groups.length > 0 ? new Set(q.groups) : undefined;
  const text = q.text?.trim().toLowerCase() ?? '';
  const partition = q.partition ?? '';
  return rows.filter((r) => (!groups || groups.has(r.group)) && (partition === '' || r.partition === partition) && (text === '' || r.name.toLowerCase().includes(text) || r.jobId.includes(text)));
}

function sortValue(r: HistoryRow, key: SortKey): string | number | undefined {
  switch (key) {
    case 'jobId':
      return r.rawJobId;
    case 'elapsed':
      return r.elapsedSeconds;
    case 'exitCode':
      return r.exitCode === '' ? undefined : r.exitCode;
    case 'name':
    case 'state':
    case 'partition':
      return r[key].toLowerCase();
    default:
      return r[key];
  }
}

/**
 * Stable sort by one column; a row with no value (never started, not measured) goes last in either
 * direction, so "lowest CPU % first" is not a page of blanks. Ties keep the newest job first.
 */
export function sortRows(rows: readonly HistoryRow[], key: SortKey, descending: boolean): HistoryRow[] {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === undefined || vb === undefined) {
      if (va !== vb) return va === undefined ? 1 : -1;
    } else if (va !== vb) {
      return (va < vb ? -1 : 1) * sign;
    }
    return b.rawJobId - a.rawJobId || (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0);
  });
}

export function queryRows(rows: readonly HistoryRow[], q: HistoryQuery): HistoryRow[] {
  return sortRows(filterRows(rows, q), q.sort, q.descending);
}

/** What the panel draws: at most `limit` rows (the DOM stays light), the counts for the chips. */
export interface HistoryView {
  title: string;
  rows: HistoryRow[];
  /** Rows matching the query (the export writes all of them, not just the drawn ones). */
  matching: number;
  total: number;
  counts: Record<StateGroup, number>;
  partitions: string[];
  columns: { key: SortKey; label: string }[];
  query: HistoryQuery;
}

export const HISTORY_VIEW_LIMIT = 1000;

export function historyView(title: string, rows: readonly HistoryRow[], q: HistoryQuery, limit = HISTORY_VIEW_LIMIT): HistoryView {
  const matching = queryRows(rows, q);
  const counts: Record<StateGroup, number> = { completed: 0, failed: 0, cancelled: 0, timeout: 0 };
  for (const r of rows) counts[r.group] += 1;
  const partitions = [...new Set(rows.map((r) => r.partition).filter((p) => p !== ''))].sort();
  return { title, rows: matching.slice(0, limit), matching: matching.length, total: rows.length, counts, partitions, columns: HISTORY_COLUMNS.map(({ key, label }) => ({ key, label })), query: q };
}

/**
 * Formula injection: a spreadsheet opening the CSV runs a cell that starts with = + - @ (and, in
 * some, tab or carriage return) as a formula, e.g. a job named `=HYPERLINK("http://evil", "x")`
 * or `=cmd|' /C calc'!A0`. Job names are anyone's text, so such a cell gets a leading single
 * quote, which spreadsheets read as "this is text" (OWASP's advice). Our own numbers never start
 * with those characters, so only text is changed.
 */
function neutralize(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180: a cell with a comma, a double quote or a line break is quoted, quotes doubled. */
function quoteCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** The rows as CSV: a header line, then one record per row, CRLF line ends (RFC 4180). */
export function historyCsv(rows: readonly HistoryRow[]): string {
  const lines = [HISTORY_COLUMNS.map((c) => quoteCell(c.label)).join(',')];
  for (const r of rows) lines.push(HISTORY_COLUMNS.map((c) => quoteCell(neutralize(c.cell(r)))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Reads RFC 4180 CSV back into records (quoted cells may hold commas, doubled quotes, line breaks).
 * Used to check that an export round-trips; a leading byte-order mark is skipped.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let i = text.startsWith('\uFEFF') ? 1 : 0;
  let quoted = false;
  let started = false;
  for (; i < text.length; i++) {
    const c = text[i];
    started = true;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      started = false;
    } else cell += c;
  }
  if (quoted) throw new Error('CSV ends inside a quoted cell.');
  if (started) {
    record.push(cell);
    records.push(record);
  }
  return records;
}
