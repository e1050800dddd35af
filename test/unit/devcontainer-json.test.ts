// devcontainer.json: valid JSONC naming the compose file's dev service, every cluster service run,
// dependencies installed and the test bed written at create time, the login node's port forwarded,
// and a profile in the container's settings that is valid and points where post-create writes the key.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { parseProfiles } from '../../src/config/profile';
import { clusterAddress } from '../bed/mode';
import { devcontainerDir, libDefaults, parseJsonc, readCompose, repoRoot } from './devcontainer-helpers';

const DevcontainerSchema = z.object({
  name: z.string().min(1),
  dockerComposeFile: z.string(),
  service: z.string(),
  runServices: z.array(z.string()),
  workspaceFolder: z.string().startsWith('/'),
  shutdownAction: z.enum(['none', 'stopCompose']),
  forwardPorts: z.array(z.union([z.number(), z.string().regex(/^[\w-]+:\d+$/)])).min(1),
  postCreateCommand: z.string(),
  customizations: z.object({ vscode: z.object({ extensions: z.array(z.string()), settings: z.record(z.string(), z.unknown()) }) }),
}).passthrough();

const json = DevcontainerSchema.parse(parseJsonc(readFileSync(path.join(devcontainerDir, 'devcontainer.json'), 'utf8')));
const compose = readCompose() as { services: Record<string, { volumes?: string[]; environment?: Record<string, string> }> };

test('devcontainer.json: the compose file, its dev service, every cluster service, the workspace mount', () => {
  assert.ok(existsSync(path.join(devcontainerDir, json.dockerComposeFile)));
  assert.ok(json.service in compose.services);
  assert.deepEqual(new Set(json.runServices), new Set(Object.keys(compose.services)), 'runServices must start the whole cluster');
  const mount = compose.services[json.service].volumes?.find((v) => v.startsWith('..:'));
  assert.equal(mount?.split(':')[1], json.workspaceFolder, 'the repository is mounted at workspaceFolder');
});

test('devcontainer.json: postCreateCommand installs dependencies and writes the bed with a fresh key', () => {
  const m = /^bash (\S+)$/.exec(json.postCreateCommand);
  assert.ok(m, 'postCreateCommand runs one script');
  const script = readFileSync(path.join(repoRoot, m[1]), 'utf8');
  assert.match(script, /npm ci/);
  assert.match(script, /test\/bed\/mode\.ts/);
  assert.match(script, /\.devcontainer\/cluster\/container-bed\.sh/);
  assert.match(readFileSync(path.join(devcontainerDir, 'cluster/container-bed.sh'), 'utf8'), /ssh-keygen -q -t ed25519/);
});

test('devcontainer.json: the preconfigured profile is valid and matches the cluster, the mode and the bed', () => {
  const { profiles, problems } = parseProfiles(json.customizations.vscode.settings['slurm.profiles']);
  assert.deepEqual(problems, []);
  assert.equal(profiles.length, 1);
  const p = profiles[0];
  const inContainer = clusterAddress({ SLURM_WB_MODE: 'devcontainer' });
  assert.equal(p.host, inContainer.sshHost);
  assert.equal(p.port, inContainer.sshPort);
  assert.equal(p.auth, 'key');
  assert.equal(p.user, libDefaults().vars.SW_USER);
  // container-bed.sh writes the key and known_hosts into the clone's .bed/ (SW_BED in lib.sh).
  assert.equal(p.identityFile, `${json.workspaceFolder}/.bed/keys/slurmuser_ed25519`);
  assert.equal(p.knownHostsFile, `${json.workspaceFolder}/.bed/known_hosts`);
  assert.equal(p.host, 'login');
  assert.ok('login' in compose.services);
  assert.equal(compose.services[json.service].environment?.SLURM_WB_MODE, 'devcontainer');
});

test('devcontainer.json: the login node\'s sshd is the forwarded port', () => {
  assert.ok(json.forwardPorts.includes(`login:${libDefaults().vars.SW_SSH_PORT}`));
});
