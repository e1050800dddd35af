// The real ssh2 transport (src/transport) to one test bed's login node, as the extension builds it
// from a profile: key auth, the bed's known_hosts pinned, every prompt refused (a test never types).
import assert from 'node:assert/strict';
import { parseProfile } from '../../src/config/profile';
import { logger } from '../../src/core/logger';
import { nullSecretStore, type AuthPrompter } from '../../src/transport/auth';
import { createTransport } from '../../src/transport/factory';
import type { Transport } from '../../src/transport/types';
import type { Bed } from './bed';

export const refuseEveryPrompt: AuthPrompter = {
  askPassword: async () => undefined,
  askPassphrase: async () => undefined,
  keyboardInteractive: async () => undefined,
  confirmUnknownHostKey: async () => false,
};

/** A fresh connection to `bed` (the caller disposes it, or hands it to a session that does). */
export function bedTransport(bed: Bed, name = bed.clusterName, options: { defaultTimeoutMs?: number } = {}): Transport {
  const parsed = parseProfile({ name, kind: 'ssh', host: bed.sshHost, port: bed.sshPort, user: bed.user, auth: 'key', identityFile: bed.identityFile, knownHostsFile: bed.knownHostsFile });
  assert.ok(parsed.ok, `profile for ${bed.clusterName}`);
  return createTransport(parsed.profile, { prompter: refuseEveryPrompt, secrets: nullSecretStore, logger }, { defaultTimeoutMs: options.defaultTimeoutMs ?? 30_000 });
}
