/**
 * Which job events change what the Resources view shows: a job of the user's that started (took
 * CPUs, GPUs, memory) or ended while it held them. Those refresh the figures at once instead of at
 * the next resources cycle. VS Code-free.
 */
import { stateLook, type StateGroup } from '../session/jobPresentation';
import type { JobEvent } from '../session/jobTracker';

const groupOf = (state: string): StateGroup => stateLook(state).group;

export function jobsTookOrFreedResources(events: readonly JobEvent[]): boolean {
  return events.some((e) => {
    const now = groupOf(e.job.state);
    if (e.kind === 'added') return now === 'running';
    const before = e.before ? groupOf(e.before.state) : undefined;
    // A finished job whose earlier state is unknown may have run: refresh (one sinfo) rather than show stale figures.
    if (e.kind === 'finished') return before === undefined || before === 'running';
    return before !== now && (now === 'running' || before === 'running');
  });
}
