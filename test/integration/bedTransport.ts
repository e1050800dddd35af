// The real ssh2 transport (src/transport) to one test bed's login node, as the extension builds it
// from a profile: key auth, the bed's known_hosts pinned, every prompt refused (a test never types).
import { parseProfile, type Profile, type ProfileInput } from '../../src/config/profile';
import { logger } from '../../src/core/logger';
import { nullSecretStore, type AuthPrompter } from '../../src/transport/auth';
import { createTransport, type CreateTransportOptions } from '../../src/transport/factory';
import type { Transport } from '../../src/transport/types';
import type { Bed } from './bed';

export const refuseEveryPrompt: AuthPrompter = {
  askPassword: async () => undefined,
  askPassphrase: async () => undefined,
  keyboardInteractive: async () => undefined,
  confirmUnknownHostKey: async () => false,
};

/** The ssh profile (key login, the bed's known_hosts) of `bed`, named after its cluster unless `overrides` say otherwise. */
export function bedProfile(bed: Bed, overrides: Partial<ProfileInput> = {}): Profile {
  const parsed = parseProfile({ name: bed.clusterName, kind: 'ssh', host: bed.sshHost, port: bed.sshPort, user: bed.user, auth: 'key', identityFile: bed.identityFile, knownHostsFile: bed.knownHostsFile, ...overrides });
  if (!parsed.ok) throw new Error(`profile for ${bed.clusterName}: ${parsed.problem.message}`);
  return parsed.profile;
}

/**
 * A fresh connection to `bed` (the caller disposes it, or hands it to a session that does).
 * `options` go to createTransport as they are (e.g. an empty ssh config and no agent for a bench);
 * the default timeout is 30 s unless they set one.
 */
export function bedTransport(bed: Bed, name = bed.clusterName, options: CreateTransportOptions = {}): Transport {
  return createTransport(bedProfile(bed, { name }), { prompter: refuseEveryPrompt, secrets: nullSecretStore, logger }, { ...options, defaultTimeoutMs: options.defaultTimeoutMs ?? 30_000 });
}
