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

/** Three small calls in parallel (one round trip over a multiplexed ssh connection). */
export async function probeCluster(transport: Transport, options: RunCallOptions = {}): Promise<ClusterContext> {
  const [version, utcOffsetMinutes, user] = await Promise.all([
    runCall(transport, versionCall(), options),
    runCall(transport, utcOffsetCall(), options),
    runCall(transport, userNameCall(), options),
  ]);
  return { version, utcOffsetMinutes, user };
}
