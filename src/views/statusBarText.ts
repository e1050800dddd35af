/**
 * What the Slurm status bar item says, as plain data (unit-tested). Job counts only from clusters
 * that answered: an unreachable cluster says so ("$(debug-disconnect) bundled: unreachable"), never
 * "0 R · 0 PD", which would read as "connected, nothing running".
 */
import { stateLook } from '../session/jobPresentation';
import type { ClusterSnapshot } from '../session/clusterSession';

export interface StatusBarLook {
  text: string;
  tooltip: string;
  /** Warning background. */
  warning: boolean;
}

type Snap = Pick<ClusterSnapshot, 'profileName' | 'connection' | 'jobs' | 'error' | 'lastUpdated' | 'stale'>;

/** The cluster cannot be reached now: the connection failed, or it never answered a poll and has an error. */
export function isUnreachable(snap: Snap): boolean {
  if (snap.connection.kind === 'failed') return true;
  return snap.error !== undefined && (snap.connection.kind !== 'connected' || snap.lastUpdated === undefined);
}

export function statusBarLook(snaps: readonly Snap[]): StatusBarLook {
  const unreachable = snaps.filter(isUnreachable);
  const connecting = snaps.filter((s) => !isUnreachable(s) && (s.connection.kind === 'connecting' || s.connection.kind === 'reconnecting'));
  const answering = snaps.filter((s) => !unreachable.includes(s) && !connecting.includes(s));
  const problems = snaps.filter((s) => s.error !== undefined).map((s) => `${s.profileName}: ${isUnreachable(s) ? 'unreachable — ' : ''}${s.error}`);
  const tooltip = problems.length ? `Slurm Workbench\n${problems.join('\n')}` : 'Slurm Workbench — show jobs';
  if (answering.length === 0) {
    if (connecting.length > 0) return { text: `$(sync~spin) Slurm: ${connecting.length === 1 ? `${connecting[0].profileName}: ` : ''}connecting…`, tooltip, warning: false };
    if (unreachable.length === 1) return { text: `$(debug-disconnect) ${unreachable[0].profileName}: unreachable`, tooltip, warning: true };
    return { text: `$(debug-disconnect) Slurm: ${unreachable.length} clusters unreachable`, tooltip, warning: true };
  }
  let running = 0;
  let pending = 0;
  for (const s of answering) {
    for (const j of s.jobs) {
      const g = stateLook(j.state).group;
      if (g === 'running') running++;
      else if (g === 'pending') pending++;
    }
  }
  const extra: string[] = [];
  if (connecting.length) extra.push('reconnecting');
  if (unreachable.length) extra.push(unreachable.length === 1 ? `${unreachable[0].profileName} unreachable` : `${unreachable.length} unreachable`);
  const icon = connecting.length ? '$(sync~spin)' : problems.length ? '$(warning)' : '$(server-environment)';
  return { text: `${icon} Slurm: ${running} R · ${pending} PD${extra.map((e) => ` · ${e}`).join('')}`, tooltip, warning: problems.length > 0 };
}
