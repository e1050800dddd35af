/**
 * "Why Pending?": gathers the facts behind a pending job's reason with as few calls as it can —
 * one `squeue --start` (expected start, QOS, the reason as of now); sinfo only for partition
 * reasons, `scontrol show reservation` only for node/reservation reasons, sacctmgr only for
 * QOS/association limits — and explains them (pendingReason.ts).
 * Dependencies and running jobs come from the job list the view already has. VS Code-free.
 */
import { durationSeconds, formatDuration, qosCall, runCall, sinfoCall, type RunCallOptions } from '../slurm';
import { describeReservation, scontrolShowReservationsCall } from '../slurm/reservations';
import { squeueStartCall } from '../slurm/squeueStart';
import type { Transport } from '../transport/types';
import type { JobRow } from './jobRow';
import { stateLook } from './jobPresentation';
import { explainPending, splitReason, parseDependency, type PendingExplanation, type PendingFacts } from './pendingReason';
import { clusterContext } from './slurmJobLister';

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
    const info = await runCall(transport, sinfoCall(), options).catch(() => undefined);
    const p = info?.partitions.find((x) => x.name === row.partition);
    if (p) {
      const maxTime = durationSeconds(p.timeLimit) !== undefined || p.timeLimit.kind === 'unlimited' ? formatDuration(p.timeLimit) : undefined;
      facts.partition = { name: p.name, maxTime, nodeCount: p.nodes.length, state: p.available };
    }
  }
  if (code === 'ReqNodeNotAvail' || code === 'Reservation') {
    const reservations = await runCall(transport, scontrolShowReservationsCall(ctx.utcOffsetMinutes), options).catch(() => []);
    const now = facts.now ?? Date.now();
    facts.reservations = reservations.filter((r) => r.end.getTime() > now).sort((a, b) => a.start.getTime() - b.start.getTime()).slice(0, 3).map((r) => describeReservation(r));
  }
  if (/^(QOS|Assoc)/.test(code)) {
    facts.runningJobs = known.filter((k) => stateLook(k.state).group === 'running').length;
    const qos = estimate?.qos ? (await runCall(transport, qosCall(), options).catch(() => []))?.find((q) => q.name === estimate.qos) : undefined;
    if (qos) facts.qos = { name: qos.name, maxJobsPerUser: qos.maxJobsPerUser, maxSubmitPerUser: qos.maxSubmitPerUser, maxWall: qos.maxWall ? formatDuration(qos.maxWall) : undefined, maxTresPerUser: qos.maxTresPerUser };
  }
  return { ...explainPending(job, facts), reason };
}
