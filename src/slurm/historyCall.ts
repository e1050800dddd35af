/**
 * Job history: the user's finished jobs over a window, and their usage, in TWO sacct calls however
 * many jobs the window holds (never one per job):
 *
 *   1. the listing (sacct.ts fields, -X):   sacct -X ... --user=<u> --starttime=<from> --endtime=now --state=<finished>
 *   2. the usage, steps included (efficiency.ts fields), over the SAME selection instead of --jobs=<ids>:
 *                                           sacct    ... --user=<u> --starttime=<from> --endtime=now --state=<finished>
 *
 * Selecting by window rather than by id keeps the second call one command line long for a window
 * of 13,000 jobs (22.05 bed: --jobs= would need two calls of 10,000 ids). Seen on 22.05 and 24.11:
 * with --state the step lines of the selected jobs are printed whatever their own state (a
 * CANCELLED job's COMPLETED batch step is there). A job that ends between the two calls is in one
 * and not the other: its efficiency is left empty, never guessed.
 *
 * The window is "now minus N days" (sacctWindow.ts, reused) or a start date the user typed,
 * validated here with zod before it reaches argv.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import type { Transport } from '../transport/types';
import { runAccountingCall } from './accounting';
import type { RunCallOptions, SlurmCall } from './call';
import type { ClusterContext } from './context';
import { parseUsage, USAGE_FIELDS, type JobUsage } from './efficiency';
import { SlurmArgumentError } from './errors';
import { FIELD_SEP } from './records';
import { parseSacct, sacctListingArgv, type AccountingJob } from './sacct';
import { FINISHED_STATE_CODES, sacctWindowArgv } from './sacctWindow';

/** The windows offered in the picker, in days. */
export const HISTORY_DAY_WINDOWS = [1, 7, 30] as const;

/** "2026-11-30": a calendar day, read by sacct as midnight in the cluster's own time zone. */
const startDateSchema = lazySchema(() => z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-30')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'a date that exists'));

export const historyWindowSchema = lazySchema(() => z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('days'), days: z.number().positive().max(365) }),
  z.object({ kind: z.literal('since'), date: startDateSchema }),
]));
export type HistoryWindow = z.infer<typeof historyWindowSchema>;

/** Reads a window from untrusted input (a quick pick, a webview); the message says what was wrong. */
export function parseHistoryWindow(input: unknown): { ok: true; window: HistoryWindow } | { ok: false; problem: string } {
  const parsed = historyWindowSchema.safeParse(input);
  if (parsed.success) return { ok: true, window: parsed.data };
  return { ok: false, problem: parsed.error.issues.map((i) => i.message).join('; ') };
}

/** "last 7 days", "since 2026-11-30". */
export function describeWindow(w: HistoryWindow): string {
  if (w.kind === 'since') return `since ${w.date}`;
  return w.days === 1 ? 'last 24 hours' : `last ${w.days} days`;
}

/** The selection both calls share: the user, the window, finished states only. */
export function historySelection(user: string, window: HistoryWindow): string[] {
  const checked = historyWindowSchema.safeParse(window);
  if (!checked.success) throw new SlurmArgumentError(`Not a history window: ${checked.error.issues.map((i) => i.message).join('; ')}.`);
  const w = checked.data;
  if (w.kind === 'days') {
    // sacctWindow.ts already builds this selection for the Jobs view; take its options, not its fields.
    const argv = sacctWindowArgv(user, w.days);
    return argv.filter((a) => a.startsWith('--user=') || a.startsWith('--starttime=') || a.startsWith('--endtime=') || a.startsWith('--state='));
  }
  if (!/^[^\s,=]+$/.test(user)) throw new SlurmArgumentError(`${JSON.stringify(user)} is not a user name.`);
  return [`--user=${user}`, `--starttime=${w.date}`, '--endtime=now', `--state=${FINISHED_STATE_CODES.join(',')}`];
}

/** Call 1: the window's jobs, allocations only, parsed like every other sacct listing. */
export function historyListingCall(ctx: Pick<ClusterContext, 'utcOffsetMinutes' | 'user'>, window: HistoryWindow): SlurmCall<AccountingJob[]> {
  return { name: 'sacct history', argv: sacctListingArgv(historySelection(ctx.user, window)), parse: (o) => parseSacct(o.stdout, ctx.utcOffsetMinutes) };
}

export function historyUsageArgv(user: string, window: HistoryWindow): string[] {
  return ['sacct', '--noheader', '--parsable2', `--delimiter=${FIELD_SEP}`, ...historySelection(user, window), `--format=${USAGE_FIELDS.fields.join(',')}`];
}

/** Call 2: the same jobs' usage with their steps folded in (efficiency.ts), for the efficiency column. */
export function historyUsageCall(ctx: Pick<ClusterContext, 'user'>, window: HistoryWindow): SlurmCall<JobUsage[]> {
  return { name: 'sacct history usage', argv: historyUsageArgv(ctx.user, window), parse: (o) => parseUsage(o.stdout) };
}

/** What the user reads when the cluster keeps no accounting: history cannot exist there. */
export const NO_HISTORY_NOTICE =
  'Job history needs Slurm accounting, and this cluster has none (sacct says "Slurm accounting storage is disabled"). ' +
  'Ask the cluster admins for slurmdbd (AccountingStorageType=accounting_storage/slurmdbd); until then the Jobs view shows finished jobs only while slurmctld remembers them (a few minutes).';

export type HistoryAnswer = { available: true; jobs: AccountingJob[]; usage: JobUsage[] } | { available: false; notice: string };

/**
 * Both calls, run side by side (they are independent queries). A cluster without accounting is an
 * answer (`available: false` with NO_HISTORY_NOTICE), remembered per connection by accounting.ts;
 * any other failure is thrown as it came (SlurmCommandError with Slurm's words and a hint).
 */
export async function loadHistory(transport: Transport, ctx: Pick<ClusterContext, 'utcOffsetMinutes' | 'user'>, window: HistoryWindow, options: RunCallOptions = {}): Promise<HistoryAnswer> {
  const [jobs, usage] = await Promise.all([runAccountingCall(transport, historyListingCall(ctx, window), options), runAccountingCall(transport, historyUsageCall(ctx, window), options)]);
  if (!jobs.available || !usage.available) return { available: false, notice: NO_HISTORY_NOTICE };
  return { available: true, jobs: jobs.value, usage: usage.value };
}
