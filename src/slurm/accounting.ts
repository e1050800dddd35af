/**
 * Slurm accounting (slurmdbd) is optional, and small sites often run without it
 * (`AccountingStorageType=accounting_storage/none`). Then every sacct prints
 * "Slurm accounting storage is disabled" and exits 1 — an answer about the cluster, not a failure
 * worth retrying. Callers ask accounting through `runAccountingCall`: the first such answer is
 * remembered for the connection (the transport), and sacct is never run on it again; callers fall
 * back to what slurmctld still knows (`squeue --states=all`, finished jobs for MinJobAge).
 */
import type { Transport } from '../transport/types';
import { runCall, type RunCallOptions, type SlurmCall } from './call';
import { SlurmCommandError } from './errors';

/** sacct's words on a cluster without accounting (seen on 22.05 and in 24.11's source). */
const DISABLED_RE = /accounting storage is disabled/i;

/** What the user is told, once per connection, when accounting is missing. */
export const NO_ACCOUNTING_NOTICE =
  'This cluster has no Slurm accounting (sacct says "accounting storage is disabled"): finished jobs are shown while slurmctld remembers them (MinJobAge, 5 minutes by default), and older ones only from this window\'s own history.';

/** True when `err` is sacct (or sacctmgr) saying this cluster keeps no accounting. */
export function isAccountingDisabled(err: unknown): boolean {
  return err instanceof SlurmCommandError && DISABLED_RE.test(`${err.stderr}\n${err.stdout}`);
}

export type AccountingAnswer<T> = { available: true; value: T } | { available: false; notice: string };

/** Runs an accounting call and turns "accounting is disabled" into an answer; any other failure is thrown. */
export async function accountingAnswer<T>(run: () => Promise<T>): Promise<AccountingAnswer<T>> {
  try {
    return { available: true, value: await run() };
  } catch (err) {
    if (!isAccountingDisabled(err)) throw err;
    return { available: false, notice: NO_ACCOUNTING_NOTICE };
  }
}

/** Connections whose sacct said accounting is disabled. Keyed by the transport: one per connection. */
const disabledOn = new WeakMap<Transport, string>();

/** The notice when this connection is known to have no accounting, else undefined (unknown or available). */
export function accountingDisabledOn(transport: Transport): string | undefined {
  return disabledOn.get(transport);
}

/**
 * Runs `call` (a sacct) unless this connection already said accounting is disabled; the first such
 * answer is remembered, so a cluster without accounting sees sacct at most once per connection.
 */
export async function runAccountingCall<T>(transport: Transport, call: SlurmCall<T>, options: RunCallOptions = {}): Promise<AccountingAnswer<T>> {
  const known = disabledOn.get(transport);
  if (known !== undefined) return { available: false, notice: known };
  const answer = await accountingAnswer(() => runCall(transport, call, options));
  if (!answer.available) disabledOn.set(transport, answer.notice);
  return answer;
}
