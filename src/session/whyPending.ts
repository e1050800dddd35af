/**
 * "Why Pending?": gathers the facts behind a pending job's reason with as few calls as it can —
 * one `squeue --start` (expected start, QOS, account, user, reservation, the reason as of now),
 * then at most ONE more, only for the job looked at: `scontrol -a show partition` for partition
 * reasons (-a: the job's partition may be Hidden), `scontrol show reservation` for node/reservation
 * reasons, `scontrol show assoc_mgr` (the limit and its current usage) for QOS/association
 * limits — and explains them (pendingReason.ts).
 * Dependencies and running jobs come from the job list the view already has. VS Code-free.
 */
import { runCall, type RunCallOptions } from '../slurm/call';
import { durationSeconds, formatDuration, parseDuration } from '../slurm/duration';
import { assocMgrCall } from '../slurm/assocMgr';
import { partitionShowCall } from '../slurm/partitionShow';
import { describeReservation, scontrolShowReservationsCall } from '../slurm/reservations';
import { squeueStartCall } from '../slurm/squeueStart';
import type { Transport } from '../transport/types';
import type { JobRow } from './jobRow';
import { stateLook } from './jobPresentation';
import { explainPending, splitReason, parseDependency, type PendingExplanation, type PendingFacts } from './pendingReason';
import { clusterContext } from './slurmJobLister';
import { limitFact } from './pendingLimit';

export async function whyPending(transport: Transport, row: JobRow, known: readonly JobRow[], options: RunCallOptions & { now?: number } = {}): Promise<PendingExplanation & { reason: string }> {
  const ctx = await clusterContext(transport, options);
  const [estimate] = await runCall(transport, squeueStartCall([row.actionId], ctx.utcOffsetMinutes), options);
  const reason = estimate?.reason || row.reason || 'None';
  const job = { ...row, reason };
  const { code } = splitReason(reason);
  const facts: PendingFacts = { expectedStart: estimate?.expectedStart, now: options.now ?? Date.now() };
  const deps = parseDependency(row.dependency);
  if (deps.length > 0) {
    facts.dependencies = new Map(deps.flatMap((d) => {
      const r = known.find((k) => k.id === d.id || k.actionId === d.id);
      return r ? [[d.id, { state: r.state, reason: r.reason }] as const] : [];
    }));
  }
  if (/^Partition/.test(code) && row.partition) {
    const p = await runCall(transport, partitionShowCall(row.partition), options).catch(() => undefined);
    if (p) {
      const limit = (() => {
        try {
          return parseDuration(p.maxTime, 'MaxTime');
        } catch {
          return undefined;
        }
      })();
      const maxTime = limit && (durationSeconds(limit) !== undefined || limit.kind === 'unlimited') ? formatDuration(limit) : undefined;
      facts.partition = { name: p.name, maxTime, nodeCount: p.totalNodes, state: p.state, maxNodes: p.maxNodes, minNodes: p.minNodes };
    }
  }
  if (code === 'ReqNodeNotAvail' || code === 'Reservation') {
    const reservations = await runCall(transport, scontrolShowReservationsCall(ctx.utcOffsetMinutes), options).catch(() => []);
    const now = facts.now ?? Date.now();
    // A job that asked for a reservation waits for that one; otherwise any current or coming one may be it.
    const own = estimate?.reservation ? reservations.filter((r) => r.name === estimate.reservation) : [];
    facts.reservations = (own.length > 0 ? own : reservations).filter((r) => r.end.getTime() > now).sort((a, b) => a.start.getTime() - b.start.getTime()).slice(0, 3).map((r) => describeReservation(r));
  }
  if (/^(QOS|Assoc)/.test(code)) {
    facts.runningJobs = known.filter((k) => stateLook(k.state).group === 'running').length;
    if (estimate?.user) {
      const records = await runCall(transport, assocMgrCall({ user: estimate.user, account: estimate.account, qos: estimate.qos }), options).catch(() => []);
      facts.limit = limitFact(code, records, estimate);
    }
  }
  return { ...explainPending(job, facts), reason };
}
