/**
 * Profile → Transport. The one place that knows which implementation a profile gets; callers
 * only ever see the Transport interface.
 */
import type { Profile } from '../config/profile';
import { resolveSshProfile, type ResolveEnv } from '../config/profile';
import { loadSshConfig, type LoadedSshConfig } from '../config/sshConfig';
import type { TransportDeps } from './auth';
import { LocalTransport } from './localTransport';
import { SshTransport, type SshTransportOptions } from './sshTransport';
import type { Transport } from './types';

export interface CreateTransportOptions {
  /** Parsed ~/.ssh/config; read from disk when omitted. */
  sshConfig?: LoadedSshConfig;
  env?: ResolveEnv;
  /** Per-command budget when the caller gives none (slurm.commandTimeoutSeconds). */
  defaultTimeoutMs?: number;
  /** Advanced ssh knobs (channel bounds, timings, backoff); tests use these. */
  ssh?: Partial<Omit<SshTransportOptions, 'resolved' | 'deps'>>;
}

export function createTransport(profile: Profile, deps: TransportDeps, options: CreateTransportOptions = {}): Transport {
  if (profile.kind === 'local') {
    return new LocalTransport({ prelude: profile.prelude, logger: deps.logger, defaultTimeoutMs: options.defaultTimeoutMs });
  }
  const resolved = resolveSshProfile(profile, options.sshConfig ?? loadSshConfig(), options.env);
  return new SshTransport({ ...options.ssh, resolved, deps, defaultTimeoutMs: options.defaultTimeoutMs ?? options.ssh?.defaultTimeoutMs });
}
