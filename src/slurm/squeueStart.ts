/**
 * squeue --start: the scheduler's expected start of pending jobs (backfill's estimate).
 *
 *   squeue --start -h -j <ids> -o '%i|%S|%q|%a|%u|%v|%r'
 *
 * Seen on 22.05 and 24.11: one line per pending job, the start time as a zone-less local time
 * ("2026-12-04T21:07:15") or "N/A" before the backfill scheduler has looked at it; jobs that are
 * not pending are not listed. Times are parsed with the cluster's UTC offset. The account, user and
 * reservation ("(null)" when none) say whose limits and which reservation a QOS, association or
 * Reservation reason is about.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import type { SlurmCall } from './call';
import { SlurmParseError } from './errors';
import { assertJobIdArg } from './jobId';
import { parseSlurmTime } from './time';

const LineSchema = lazySchema(() => z.object({ id: z.string().regex(/^\d+(_\d+|_\[[^\]]*\])?$/), start: z.string(), qos: z.string(), account: z.string(), user: z.string(), reservation: z.string(), reason: z.string() }));

export interface StartEstimate {
  id: string;
  /** Epoch ms, or undefined when the scheduler has no estimate (N/A). */
  expectedStart?: number;
  qos?: string;
  account?: string;
  user?: string;
  /** The reservation it asked for (`--reservation`). */
  reservation?: string;
  /** Last, as it may itself hold "|"-free commas and spaces ("ReqNodeNotAvail, Reserved for maintenance"). */
  reason: string;
}

export function squeueStartCall(jobIds: readonly string[], utcOffsetMinutes: number): SlurmCall<StartEstimate[]> {
  const name = 'squeue --start';
  return {
    name,
    argv: ['squeue', '--start', '-h', `--jobs=${jobIds.map(assertJobIdArg).join(',')}`, '-o', '%i|%S|%q|%a|%u|%v|%r'],
    parse: ({ stdout }) => stdout.split('\n').filter((l) => l.trim() !== '').map((line, n) => {
      const [id, start, qos, account, user, reservation, ...reason] = line.trim().split('|');
      const parsed = LineSchema.safeParse({ id, start, qos, account, user, reservation, reason: reason.join('|') });
      if (!parsed.success) throw new SlurmParseError(name, parsed.error.issues[0]?.message ?? 'unexpected line', line, n + 1);
      const s = parsed.data.start;
      const at = s === 'N/A' || s === 'Unknown' || s === '' ? undefined : parseSlurmTime(s, utcOffsetMinutes, 'START_TIME');
      const d = parsed.data;
      const named = (v: string) => (v === '' || v === '(null)' ? undefined : v);
      return { id: d.id, expectedStart: at?.getTime(), qos: named(d.qos), account: named(d.account), user: named(d.user), reservation: named(d.reservation), reason: d.reason };
    }),
    // One unknown id makes squeue exit 1 ("Invalid job id specified"): no estimate, not an error.
    recover: ({ stderr }) => (/Invalid job id specified/i.test(stderr) ? [] : undefined),
  };
}
