// "Set Up Bundled Cluster": which bring-up a machine gets, the commands run, and the profile written
// into settings without losing what the user already has there.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  COMPOSE_SSH_PORT,
  mergeBundledProfile,
  parseBundledBed,
  parseOsRelease,
  planSetup,
  profileFromBed,
  setupSteps,
} from '../../src/onboarding/bundledCluster';
import { parseProfiles } from '../../src/config/profile';

const repo = '/src/slurm-workbench';
const debian = { id: 'debian', versionId: '12' };

test('os-release: quoted and bare values', () => {
  assert.deepEqual(parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"\nID=debian\n'), debian);
  assert.deepEqual(parseOsRelease('ID=ubuntu\nVERSION_ID="24.04"'), { id: 'ubuntu', versionId: '24.04' });
});

test('plan: Docker wins; native only as root on Debian; otherwise a reason and a fix', () => {
  assert.deepEqual(planSetup({ dockerCompose: true, isRoot: false, os: { id: 'ubuntu', versionId: '24.04' }, repoRoot: repo }), { kind: 'compose', repoRoot: repo });
  assert.deepEqual(planSetup({ dockerCompose: false, isRoot: true, os: debian, repoRoot: repo }), { kind: 'native', repoRoot: repo });
  const notRoot = planSetup({ dockerCompose: false, isRoot: false, os: debian, repoRoot: repo });
  assert.equal(notRoot.kind, 'unavailable');
  assert.match(notRoot.kind === 'unavailable' ? notRoot.hint : '', /sudo bash \.devcontainer\/cluster\/up\.sh/);
  const mac = planSetup({ dockerCompose: false, isRoot: false, repoRoot: repo });
  assert.match(mac.kind === 'unavailable' ? mac.message : '', /not Linux/);
  const noRepo = planSetup({ dockerCompose: true, isRoot: true, os: debian });
  assert.equal(noRepo.kind, 'unavailable');
  assert.match(noRepo.kind === 'unavailable' ? noRepo.hint : '', /clone of the repository/);
});

test('steps: argv arrays run in the clone; compose publishes the login node clear of the native ports', () => {
  assert.deepEqual(setupSteps({ kind: 'native', repoRoot: repo }).map((s) => [s.argv, s.cwd]), [[['bash', '.devcontainer/cluster/up.sh'], repo]]);
  const compose = setupSteps({ kind: 'compose', repoRoot: repo });
  assert.deepEqual(compose[0].argv, ['docker', 'compose', '-f', '.devcontainer/docker-compose.yml', 'up', '-d', '--build', '--wait', 'login']);
  assert.deepEqual(compose[1].argv, ['bash', '.devcontainer/cluster/container-bed.sh']);
  assert.equal(compose[1].env?.SW_SSH_PORT, String(COMPOSE_SSH_PORT));
  assert.notEqual(COMPOSE_SSH_PORT, 2222);
});

const bedText = JSON.stringify({
  clusterName: 'bundled', slurmVersion: '22.05.8', sshHost: '127.0.0.1', sshPort: 2222, jumpPort: 2224, user: 'slurmuser',
  password: 'slurmuser-pw', identityFile: '/r/.bed/keys/k', knownHostsFile: '/r/.bed/known_hosts', hostKeyFingerprint: 'SHA256:x',
  partitions: ['debug'], nodes: ['node1'], home: '/home/slurmuser',
});

test('the profile from the bed file is a valid key-login profile without the password', () => {
  const profile = profileFromBed(parseBundledBed(bedText, 'cluster.json'));
  assert.equal(JSON.stringify(profile).includes('slurmuser-pw'), false);
  const { profiles, problems } = parseProfiles([profile]);
  assert.deepEqual(problems, []);
  assert.equal(profiles[0].auth, 'key');
  assert.equal(profiles[0].port, 2222);
});

test('the real .bed/cluster.json (when the cluster is up) parses', (t) => {
  const file = path.resolve(__dirname, '../../.bed/cluster.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    t.skip('no .bed/cluster.json: the bundled cluster was never brought up from this clone');
    return;
  }
  assert.equal(parseBundledBed(text, file).clusterName.length > 0, true);
});

test('a broken bed file says which field is wrong', () => {
  assert.throws(() => parseBundledBed('{"clusterName":"b"}', 'f.json'), /f\.json does not describe the bundled cluster \(sshHost/);
  assert.throws(() => parseBundledBed('{', 'f.json'), /not valid JSON/);
});

test('merging the profile keeps every other profile and field the user wrote', () => {
  const ours = profileFromBed(parseBundledBed(bedText, 'cluster.json'));
  const mine = { name: 'hpc', host: 'login.example.org', user: 'alice' };

  const added = mergeBundledProfile([mine], ours);
  assert.equal(added.action, 'added');
  assert.deepEqual(added.profiles, [mine, ours]);

  assert.equal(mergeBundledProfile(added.profiles, ours).action, 'unchanged');

  // Same cluster, an older key path and a user-set poll interval: updated, the interval kept.
  const older = { ...ours, identityFile: '/old/key', pollIntervalSeconds: 5 };
  const updated = mergeBundledProfile([mine, older], ours);
  assert.equal(updated.action, 'updated');
  assert.deepEqual(updated.profiles[1], { ...ours, pollIntervalSeconds: 5 });

  // A different cluster the user named "bundled" is left alone; ours gets a free name.
  const theirs = { name: 'bundled', host: 'other.example.org' };
  const renamed = mergeBundledProfile([theirs], ours);
  assert.equal(renamed.name, 'bundled-2');
  assert.deepEqual(renamed.profiles, [theirs, { ...ours, name: 'bundled-2' }]);

  assert.deepEqual(mergeBundledProfile(undefined, ours).profiles, [ours]);
});
