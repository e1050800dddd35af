/**
 * Everything a terminal in a job needs before it opens, through the transport: the cluster's Slurm
 * version (--overlap), where the job runs (squeue), and the user's login shell. Each call has the
 * caller's timeout and cancel signal.
 */
import { runCall, type RunCallOptions } from '../slurm/call';
import type { SlurmVersion } from '../slurm/version';
import type { Transport } from '../transport/types';
import { assertOverlapSupported, assertRunning, jobPlaceCall, jobShellArgv, parseLoginShell, type JobPlace } from './jobShell';

export interface JobTerminalPlan {
  place: JobPlace;
  shell: string;
}

/** Checks that a shell can be opened in `requested` (a job or array task id) and learns where. */
export async function planJobTerminal(transport: Transport, version: SlurmVersion, requested: string, options: RunCallOptions = {}): Promise<JobTerminalPlan> {
  assertOverlapSupported(version);
  const [place, shell] = await Promise.all([runCall(transport, jobPlaceCall(requested), options), loginShell(transport, options)]);
  assertRunning(place, requested);
  return { place, shell };
}

/** The user's login shell on the cluster ($SHELL of the login environment). */
export async function loginShell(transport: Transport, options: RunCallOptions = {}): Promise<string> {
  const r = await transport.exec(['printenv', 'SHELL'], { ...options, label: 'printenv SHELL', idempotent: true, environment: 'login' });
  return parseLoginShell(r.code === 0 ? r.stdout : '');
}

/** The argv to open with `transport.openPty`, on `node` when the user chose one. */
export function jobTerminalArgv(plan: JobTerminalPlan, node?: string): string[] {
  return jobShellArgv(plan.place, plan.shell, node);
}
