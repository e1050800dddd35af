// Waiting for one of our own jobs to end, as accounting records it: sacct (one line per job with -X)
// read through the real sshd as the test user, polled until the state is a final one.
import { sshRun, type Bed } from './bed';

const finalStates = /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL)/;

/** The job's final state from sacct (e.g. "COMPLETED", "CANCELLED by 1000"); throws after `timeoutMs`. */
export async function finalState(bed: Bed, jobId: number, timeoutMs = 240_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await sshRun(`sacct -n -X -P -o State -j ${jobId}`, { bed });
    const state = r.stdout.trim().split('\n')[0] ?? '';
    if (finalStates.test(state)) return state;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish in ${timeoutMs / 1000} s (state ${state || 'unknown'})`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
