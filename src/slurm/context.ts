/**
 * What we learn once per connection and every parser of times/users needs: the Slurm version,
 * the login node's UTC offset (Slurm prints zone-less local times), and the remote user name.
 */
import type { RunCallOptions, SlurmCall } from './call';
import { runCall } from './call';
import { SlurmParseError } from './errors';
import { FieldFormatError } from './fieldError';
import { parseUtcOffset } from './time';
import type { SlurmVersion } from './version';
import { versionCall } from './version';
import type { Transport } from '../transport/types';

export interface ClusterContext {
  version: SlurmVersion;
  /** Minutes east of UTC on the host that runs the Slurm commands. */
  utcOffsetMinutes: number;
  /** Remote user name (for `squeue -u` on pre-20.02 Slurm and for %u in log paths). */
  user: string;
  /**
   * sbatch's input variables the login sets (SBATCH_ACCOUNT, SBATCH_PARTITION, ...): the user's
   * intent, applied by sbatch to every submission unless the script or the form says otherwise.
   */
  sbatchEnvironment?: Record<string, string>;
}

/** The SBATCH_* variables of the login environment (names and values, one per line). */
export function sbatchEnvironmentCall(): SlurmCall<Record<string, string>> {
  return {
    name: 'sbatch environment',
    // grep exits 1 when nothing matches: no such variable is an answer too.
    argv: ['sh', '-c', 'env | grep "^SBATCH_[A-Z0-9_]*="', 'swb-sbatch-env'],
    okExitCodes: [1],
    idempotent: true,
    parse(o) {
      const vars: Record<string, string> = {};
      for (const line of o.stdout.split('\n')) {
        const m = /^(SBATCH_[A-Z0-9_]+)=(.*)$/.exec(line);
        if (m) vars[m[1] as string] = m[2] as string;
      }
      return vars;
    },
  };
}

export function utcOffsetCall(): SlurmCall<number> {
  return {
    name: 'date +%z',
    argv: ['date', '+%z'],
    parse(o) {
      const line = o.stdout.trim();
      try {
        return parseUtcOffset(line);
      } catch (e) {
        if (e instanceof FieldFormatError) throw new SlurmParseError('date +%z', e.message, line, 1);
        throw e;
      }
    },
  };
}

export function userNameCall(): SlurmCall<string> {
  return {
    name: 'id -un',
    argv: ['id', '-un'],
    parse(o) {
      const line = o.stdout.trim();
      if (!/^[^\s:/]+$/.test(line)) throw new SlurmParseError('id -un', 'expected one user name', line, 1);
      return line;
    },
  };
}

/** Four small calls in parallel (one round trip over a multiplexed ssh connection). */
export async function probeCluster(transport: Transport, options: RunCallOptions = {}): Promise<ClusterContext> {
  const [version, utcOffsetMinutes, user, sbatchEnvironment] = await Promise.all([
    runCall(transport, versionCall(), options),
    runCall(transport, utcOffsetCall(), options),
    runCall(transport, userNameCall(), options),
    runCall(transport, sbatchEnvironmentCall(), options),
  ]);
  return { version, utcOffsetMinutes, user, sbatchEnvironment };
}

/** "SBATCH_ACCOUNT=proj, SBATCH_PARTITION=gpu", or '' when the login sets none. */
export function describeSbatchEnvironment(vars: Record<string, string> | undefined): string {
  return Object.entries(vars ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
