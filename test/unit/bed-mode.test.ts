// Execution-mode detection: where the tests run decides where the bundled cluster's login node is.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterAddress, detectExecutionMode } from '../bed/mode';

const inContainer = { exists: (p: string) => p === '/.dockerenv' };
const onHost = { exists: () => false };

test('host by default, CI when CI=true, dev container when its tooling says so inside a container', () => {
  assert.equal(detectExecutionMode({}, onHost), 'host');
  assert.equal(detectExecutionMode({ CI: 'true' }, onHost), 'ci');
  assert.equal(detectExecutionMode({ REMOTE_CONTAINERS: 'true' }, inContainer), 'devcontainer');
  assert.equal(detectExecutionMode({ DEVCONTAINER: 'true', CI: 'true' }, inContainer), 'devcontainer');
  // The variable alone (e.g. leaked into a host shell) is not a container.
  assert.equal(detectExecutionMode({ REMOTE_CONTAINERS: 'true' }, onHost), 'host');
  assert.equal(detectExecutionMode({ SLURM_WB_MODE: 'devcontainer' }, onHost), 'devcontainer');
  assert.throws(() => detectExecutionMode({ SLURM_WB_MODE: 'laptop' }, onHost), /not one of host, ci, devcontainer/);
});

test('the address: the native cluster on the loopback, the compose login node in the dev container, overrides validated', () => {
  assert.deepEqual(clusterAddress({}, onHost), { mode: 'host', sshHost: '127.0.0.1', sshPort: 2222, jumpPort: 2224 });
  assert.deepEqual(clusterAddress({ CI: 'true' }, onHost), { mode: 'ci', sshHost: '127.0.0.1', sshPort: 2222, jumpPort: 2224 });
  assert.deepEqual(clusterAddress({ SLURM_WB_MODE: 'devcontainer' }, onHost), { mode: 'devcontainer', sshHost: 'login', sshPort: 2222, jumpPort: 2224 });
  assert.deepEqual(clusterAddress({ SLURM_WB_SSH_PORT: '2322', SLURM_WB_JUMP_PORT: '2324' }, onHost), { mode: 'host', sshHost: '127.0.0.1', sshPort: 2322, jumpPort: 2324 });
  assert.throws(() => clusterAddress({ SLURM_WB_SSH_PORT: '99999' }, onHost), /SLURM_WB_SSH_PORT=99999/);
  assert.throws(() => clusterAddress({ SLURM_WB_SSH_HOST: 'a; rm -rf /' }, onHost), /SLURM_WB_SSH_HOST/);
});
