// The dev container's compose file, checked without a Docker engine (there is none on this machine):
// it parses, has the services the onboarding promises (dev, login, slurmctld, 2+ slurmd, slurmdbd,
// MariaDB) on one network with healthchecks, runs only entry scripts and templates that exist, its
// published ports collide with nothing, and it agrees with lib.sh on node names, hosts and ports.
// When the `docker compose` CLI plugin exists, `docker compose config` must accept it as well.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { clusterDir, clusterMount, devcontainerDir, entrypointRoles, libDefaults, readCompose } from './devcontainer-helpers';

const Healthcheck = z.object({
  test: z.array(z.string()).min(2).refine((t) => t[0] === 'CMD', 'must be an exec-form ["CMD", ...] test'),
  interval: z.string().regex(/^\d+s$/),
  timeout: z.string().regex(/^\d+s$/),
  retries: z.number().int().positive(),
  start_period: z.string().regex(/^\d+s$/).optional(),
});
const Service = z.object({
  build: z.object({ context: z.string(), dockerfile: z.string(), target: z.string() }).strict(),
  image: z.string().min(1),
  hostname: z.string().optional(),
  command: z.array(z.string()).min(1),
  environment: z.record(z.string(), z.string()).optional(),
  volumes: z.array(z.string()).optional(),
  ports: z.array(z.string().regex(/^127\.0\.0\.1:\d+:\d+$/, 'publish on the loopback only: 127.0.0.1:HOST:CONTAINER')).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.literal('service_healthy') }).strict()).optional(),
  healthcheck: Healthcheck.optional(),
  networks: z.array(z.string()).length(1),
  restart: z.string().optional(),
  init: z.boolean().optional(),
}).strict();
const Compose = z.object({
  services: z.record(z.string(), Service),
  networks: z.record(z.string(), z.object({}).passthrough()),
  volumes: z.record(z.string(), z.object({}).passthrough()),
}).passthrough();

const raw = readCompose();
const compose = Compose.parse(raw);
// Compose v1 (Debian 12's docker-compose 1.29, which the Dev Containers CLI falls back to) rejects a top-level name.
assert.ok(!Object.hasOwn(raw as object, 'name'), 'no top-level `name:` in the compose file: Compose v1 rejects it');
const services = compose.services;
const cluster = Object.entries(services).filter(([name]) => name !== 'dev');
const roleOf = (name: string): string[] => {
  const cmd = services[name].command;
  assert.equal(cmd[1], `${clusterMount}/entrypoint.sh`, `${name} does not run the cluster's entrypoint.sh`);
  return cmd.slice(2);
};

test('compose: the promised services, each cluster role from entrypoint.sh, two or more compute nodes', () => {
  const roles = new Map(cluster.map(([name]) => [name, roleOf(name)]));
  const slurmd = [...roles].filter(([, r]) => r[0] === 'slurmd');
  assert.ok(slurmd.length >= 2, 'fewer than two slurmd compute nodes');
  for (const role of ['db', 'slurmdbd', 'slurmctld', 'login']) {
    assert.equal([...roles.values()].filter((r) => r[0] === role).length, 1, `exactly one ${role} service`);
  }
  const known = entrypointRoles();
  for (const [name, [role]] of roles) assert.ok(known.includes(role), `${name} runs role "${role}", which entrypoint.sh does not know (${known.join(', ')})`);
  // Every node of lib.sh's definition (slurm.conf's NodeName lines) has its container, named after it.
  assert.deepEqual(slurmd.map(([name, r]) => [name, r[1]]), libDefaults().nodes.map((n) => [n, n]));
  assert.equal(services.dev.build.target, 'dev');
});

test('compose: one network; healthchecks run entrypoint.sh health with the role the service runs', () => {
  const nets = new Set(Object.values(services).flatMap((s) => s.networks));
  assert.deepEqual([...nets], Object.keys(compose.networks));
  assert.equal(nets.size, 1);
  for (const [name, s] of cluster) {
    assert.ok(s.healthcheck, `${name} has no healthcheck`);
    assert.deepEqual(s.healthcheck.test.slice(1), ['bash', `${clusterMount}/entrypoint.sh`, 'health', ...roleOf(name)], `${name}'s healthcheck checks another role`);
  }
});

test('compose: start order follows healthchecks and ends at the dev container', () => {
  const order: string[] = [];
  const visit = (name: string, path: string[] = []): void => {
    assert.ok(services[name], `depends_on names a missing service ${name}`);
    assert.ok(!path.includes(name), `dependency cycle: ${[...path, name].join(' -> ')}`);
    for (const dep of Object.keys(services[name].depends_on ?? {})) {
      assert.ok(services[dep].healthcheck, `${name} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      visit(dep, [...path, name]);
    }
    if (!order.includes(name)) order.push(name);
  };
  visit('dev');
  assert.deepEqual(new Set(order), new Set(Object.keys(services)), 'every service is started before the dev container');
  assert.ok(order.indexOf('mariadb') < order.indexOf('slurmdbd') && order.indexOf('slurmdbd') < order.indexOf('slurmctld'));
  // slurmctld resolves every node's host name when it starts: a node that waited for slurmctld to
  // be healthy would deadlock with it (no name to resolve yet, ~10 s per node, no answer to ping).
  for (const node of libDefaults().nodes) {
    assert.ok(!('slurmctld' in (services[node].depends_on ?? {})), `${node} must not wait for slurmctld`);
    assert.ok('slurmdbd' in (services[node].depends_on ?? {}), `${node} waits for slurmdbd (which creates the shared munge key)`);
  }
  assert.ok(services.dev.healthcheck, 'the dev container is healthy once the login node answers from it');
});

test('compose: every script, template, Dockerfile target and volume it references exists', () => {
  const dockerfile = readFileSync(path.join(devcontainerDir, 'Dockerfile'), 'utf8');
  const targets = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)$/gm)].map((m) => m[1]);
  for (const [name, s] of Object.entries(services)) {
    assert.equal(path.resolve(devcontainerDir, s.build.context), devcontainerDir);
    assert.ok(targets.includes(s.build.target), `${name}: Dockerfile has no target ${s.build.target}`);
    for (const v of s.volumes ?? []) {
      const [source, target] = v.split(':');
      if (source.startsWith('.')) {
        if (target === clusterMount) assert.ok(existsSync(path.resolve(devcontainerDir, source, 'lib.sh')), `${name}: ${source} holds no lib.sh`);
      } else assert.ok(source in compose.volumes, `${name}: volume ${source} is not declared`);
    }
    for (const arg of [...s.command, ...(s.healthcheck?.test ?? [])].filter((a) => a.startsWith(`${clusterMount}/`))) {
      assert.ok(existsSync(path.join(clusterDir, arg.slice(clusterMount.length + 1))), `${name} runs ${arg}, which is not in .devcontainer/cluster/`);
    }
  }
  // The Dockerfile installs packages with lib.sh from the mounted cluster folder (no copy of it).
  assert.match(dockerfile, /--mount=type=bind,source=cluster,target=\/opt\/slurm-workbench\/cluster/);
  assert.doesNotMatch(dockerfile, /^(COPY|ADD)\b/m, 'the Dockerfile copies files: the cluster definition must stay one source');
  // BuildKit would fetch the frontend a syntax line names from Docker Hub; the built-in one handles RUN --mount.
  assert.doesNotMatch(dockerfile, /^#\s*syntax\s*=/im, 'no `# syntax=` line: it pulls a frontend image from Docker Hub');
  // The templates lib.sh renders, and the files the entry script sources.
  const lib = readFileSync(path.join(clusterDir, 'lib.sh'), 'utf8');
  const templates = [...lib.matchAll(/sw_render_config ([a-z][\w.]*)/g)].map((m) => m[1]);
  assert.deepEqual(new Set(templates), new Set(['slurm.conf', 'gres.conf', 'slurmdbd.conf', 'sshd_config']));
  for (const t of templates) assert.ok(existsSync(path.join(clusterDir, t)), `template ${t} is missing`);
  assert.match(readFileSync(path.join(clusterDir, 'entrypoint.sh'), 'utf8'), /source "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/lib\.sh"/);
});

test('compose: host names and ports agree with lib.sh and slurm.conf; published ports collide with nothing', () => {
  const env = (name: string): Record<string, string> => services[name].environment ?? {};
  for (const [name] of cluster) {
    const e = env(name);
    assert.equal(e.SW_CTLD_HOST, 'slurmctld', `${name}: SW_CTLD_HOST`);
    assert.equal(e.SW_DBD_HOST, 'slurmdbd', `${name}: SW_DBD_HOST`);
    assert.equal(e.SW_DB_HOST, 'mariadb', `${name}: SW_DB_HOST`);
    assert.equal(e.SW_NODE_ADDR, '', `${name}: one container per node needs SW_NODE_ADDR=""`);
  }
  // slurmctld and slurmdbd only run on the hosts their configs name.
  for (const name of ['slurmctld', 'slurmdbd', 'mariadb', 'login', ...libDefaults().nodes]) assert.equal(services[name].hostname, name);
  assert.equal(env('mariadb').SW_DB_BIND, '0.0.0.0', 'MariaDB must listen beyond its container');

  const { vars } = libDefaults();
  const published = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => p.split(':').map(Number)));
  const hostPorts = published.map((p) => p[1]);
  assert.equal(new Set(hostPorts).size, hostPorts.length, `a host port is published twice: ${hostPorts.join(', ')}`);
  const native = ['SW_SSH_PORT', 'SW_JUMP_PORT', 'SW_CTLD_PORT', 'SW_DBD_PORT', 'SW_DB_PORT'].map((k) => Number(vars[k]));
  const nativeNodes = libDefaults().nodes.map((_, i) => Number(vars.SW_NODE_PORT_BASE) + i);
  for (const p of hostPorts) assert.ok(![...native, ...nativeNodes, 8080].includes(p), `host port ${p} collides with the native cluster or the demo`);
  // The login node's container ports are the ports its sshds listen on.
  const loginPorts = (services.login.ports ?? []).map((p) => Number(p.split(':')[2]));
  assert.deepEqual(loginPorts.sort(), [Number(vars.SW_SSH_PORT), Number(vars.SW_JUMP_PORT)].sort());
  assert.equal(services.login.environment?.SW_SSH_LISTEN, '0.0.0.0');
});

test('docker compose config accepts the file (when the compose CLI plugin exists)', (t) => {
  const probe = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('the `docker compose` CLI plugin is not installed here; the schema checks above stand in for it');
    return;
  }
  execFileSync('docker', ['compose', '-f', path.join(devcontainerDir, 'docker-compose.yml'), 'config', '--quiet'], { stdio: 'pipe' });
});
