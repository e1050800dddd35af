// The dev container's cluster scripts, run for real against the native cluster (the compose
// containers run these same scripts; test/bed/docker-stage.sh runs them in Docker): every healthcheck of the compose
// file answers, and container-bed.sh writes a working test bed — a fresh key installed through one
// password login on the real sshd, known_hosts pinned, cluster.json valid — in a scratch folder.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { quoteArg } from '../../src/core/shellQuote';
import { BedSchema, readBed, repoRoot, sshRun } from './bed';
import { inDevContainer, nativeClusterOnly } from './devcontainerSkip';

const run = promisify(execFile);
const clusterDir = path.join(repoRoot, '.devcontainer', 'cluster');
const mount = '/opt/slurm-workbench/cluster';

interface ComposeService {
  healthcheck?: { test: string[] };
}

const healthHere = nativeClusterOnly('runs the healthchecks against the native cluster on this machine; here compose runs them in the cluster containers (the docker stage waits for all of them)');

test('every healthcheck of the compose file passes against the running native cluster', { skip: healthHere }, async () => {
  const compose = parse(readFileSync(path.join(repoRoot, '.devcontainer', 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  // The cluster roles' checks run the shared entrypoint.sh; the dev service's own check (login:2222
  // answers from inside the compose network) has no meaning on this machine.
  const checks = Object.entries(compose.services).filter(([, s]) => s.healthcheck?.test[2]?.startsWith(`${mount}/`));
  assert.ok(checks.length >= 8);
  for (const [name, s] of checks) {
    // ["CMD", "bash", "/opt/slurm-workbench/cluster/entrypoint.sh", "health", ...] -> this clone's script.
    const [, file, script, ...args] = s.healthcheck?.test ?? [];
    const local = path.join(clusterDir, script.slice(mount.length + 1));
    const result = await run(file, [local, ...args], { timeout: 30_000 }).then(() => 0, (err: { code?: number }) => err.code ?? -1);
    assert.equal(result, 0, `${name}: healthcheck ${args.join(' ')} failed against the native cluster`);
  }
});

test('a healthcheck of a role that is not running fails', { skip: healthHere }, async () => {
  await assert.rejects(run('bash', [path.join(clusterDir, 'entrypoint.sh'), 'health', 'slurmd', 'node9'], { timeout: 30_000 }));
});

test('container-bed.sh writes a working bed: new key installed over a password login, host key pinned', async (t) => {
  const bed = readBed();
  const scratch = mkdtempSync(path.join(tmpdir(), 'sw-container-bed-'));
  const exchange = path.join(scratch, 'exchange');
  const out = path.join(scratch, 'bed');
  mkdirSync(exchange);
  // What the login container publishes: its host public key (natively, the native login node's; in the
  // dev container, the one the login container published into .bed/exchange).
  const hostPub = inDevContainer ? path.join(repoRoot, '.bed', 'exchange', 'ssh_host_ed25519_key.pub') : '/etc/slurm-workbench/ssh_host_ed25519_key.pub';
  copyFileSync(hostPub, path.join(exchange, 'ssh_host_ed25519_key.pub'));
  let pub = '';
  t.after(async () => {
    // Take our throwaway key out of the test user's authorized_keys again.
    if (pub) await sshRun(`grep -vxF -- ${quoteArg(pub)} ~/.ssh/authorized_keys > ~/.ssh/ak.$$ ; cat ~/.ssh/ak.$$ > ~/.ssh/authorized_keys; rm -f ~/.ssh/ak.$$`, { bed });
    rmSync(scratch, { recursive: true, force: true });
  });

  await run('bash', [path.join(clusterDir, 'container-bed.sh')], {
    timeout: 120_000,
    env: { ...process.env, SW_CONTAINER_BED: out, SW_EXCHANGE_DIR: exchange, SW_SSH_HOST: bed.sshHost, SW_SSH_PORT: String(bed.sshPort), SW_JUMP_PORT: String(bed.jumpPort), SW_WAIT_SECONDS: '20' },
  });
  pub = readFileSync(path.join(out, 'keys', 'slurmuser_ed25519.pub'), 'utf8').trim();
  const written = BedSchema.parse(JSON.parse(readFileSync(path.join(out, 'cluster.json'), 'utf8')));
  assert.equal(written.identityFile, path.join(out, 'keys', 'slurmuser_ed25519'));
  assert.notEqual(written.identityFile, bed.identityFile);
  assert.equal(written.hostKeyFingerprint, bed.hostKeyFingerprint);
  assert.equal(written.slurmVersion, bed.slurmVersion);
  // The new key logs in through the real sshd with strict host key checking against the new known_hosts.
  const who = await sshRun('id -un && sinfo -h -o %P | head -1', { bed: written });
  assert.equal(who.code, 0, who.stderr);
  assert.match(who.stdout, new RegExp(`^${bed.user}\n`));
  // A second run is idempotent: same key, one authorized_keys line.
  await run('bash', [path.join(clusterDir, 'container-bed.sh')], {
    timeout: 120_000,
    env: { ...process.env, SW_CONTAINER_BED: out, SW_EXCHANGE_DIR: exchange, SW_SSH_HOST: bed.sshHost, SW_SSH_PORT: String(bed.sshPort), SW_JUMP_PORT: String(bed.jumpPort) },
  });
  assert.equal(readFileSync(path.join(out, 'keys', 'slurmuser_ed25519.pub'), 'utf8').trim(), pub);
  const count = await sshRun(`grep -cxF -- ${quoteArg(pub)} ~/.ssh/authorized_keys`, { bed });
  assert.equal(count.stdout.trim(), '1');
});
