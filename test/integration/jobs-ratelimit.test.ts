// A rate-limiting slurmctld (SlurmctldParameters=rl_enable, Slurm 23.02+): the Jobs view's session
// keeps the last jobs (stale), says the controller is busy, backs off, and recovers by itself.
//
// The shared 24.11 bed's slurm.conf must not change, so this test runs a PRIVATE slurmctld of its
// own inside the 24.11 root (same packages and munge, cluster "ratelimit", port 7917, config in
// <root>/etc/slurm-ratelimit, no nodes needed: its jobs stay pending) with a small token bucket,
// and reaches it over the 24.11 bed's real sshd with a profile prelude that sets SLURM_CONF, as a
// user's profile would. Started in before(), stopped by its pid file in after(). Needs root.
//
// Seen here: 24.11's commands do not fail on a rate limit; the client sleeps and retries by itself
// ("RPC rate limited N time(s). Sleeping then trying again.", with -v) and succeeds late. So a
// drained bucket shows up as squeue running past the session's command timeout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProfile } from '../../src/config/profile';
import { logger } from '../../src/core/logger';
import { DEFAULT_TIMING } from '../../src/poller/poller';
import { ClusterSession, type ClusterSnapshot } from '../../src/session/clusterSession';
import { nullSecretStore } from '../../src/transport/auth';
import { createTransport } from '../../src/transport/factory';
import type { Transport } from '../../src/transport/types';
import { bedFileFor, readBed, sshRun } from './bed';
import { refuseEveryPrompt } from './bedTransport';
import { nativeClusterOnly } from './devcontainerSkip';
import { untilSnapshot } from './sessionWait';

const ROOT = '/var/lib/slurm-workbench/trixie-root';
const CONF = '/etc/slurm-ratelimit/slurm.conf';
const PID_FILE = '/run/slurm-ratelimit/slurmctld.pid';
const LOG = '/var/log/slurm-ratelimit/slurmctld.log';

const skip =
  nativeClusterOnly('starts a private slurmctld inside the native 24.11 root on this machine') ||
  (process.getuid?.() !== 0 ? 'needs root to start a private slurmctld in the 24.11 root'
    : !existsSync(bedFileFor('24.11')) || !existsSync(join(ROOT, 'usr/sbin/slurmctld')) ? 'the Slurm 24.11 bed is not up (up-24.11.sh)'
      : false);

const SLURM_CONF_TEXT = `# Private to test/integration/jobs-ratelimit.test.ts: a rate-limiting controller, no nodes running.
ClusterName=ratelimit
SlurmctldHost=localhost
SlurmctldPort=7917
SlurmUser=slurm
AuthType=auth/munge
StateSaveLocation=/var/lib/slurm-ratelimit/slurmctld
SlurmctldPidFile=${PID_FILE}
SlurmctldLogFile=${LOG}
SlurmdSpoolDir=/var/lib/slurm-ratelimit/slurmd-%n
SlurmdPidFile=/run/slurm-ratelimit/slurmd-%n.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MailProg=/bin/true
# 5 requests in a burst per user, then 1 per second.
SlurmctldParameters=rl_enable,rl_bucket_size=5,rl_refill_rate=1
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=rl1 NodeHostname=localhost NodeAddr=127.0.0.1 Port=7921 CPUs=1 RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=rl1 Default=YES State=UP
`;

const inRoot = (...argv: string[]): string => execFileSync('chroot', [ROOT, ...argv], { encoding: 'utf8', timeout: 30_000 });

/** The private slurmctld's pid, when its pid file names a live slurmctld inside the 24.11 root. */
function ctldPid(): number | undefined {
  try {
    const pid = Number(readFileSync(join(ROOT, PID_FILE), 'utf8').trim());
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'slurmctld') return undefined;
    if (/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return undefined;
    return realpathSync(`/proc/${pid}/root`) === realpathSync(ROOT) ? pid : undefined;
  } catch {
    return undefined;
  }
}

let burst: ChildProcess | undefined;

before(async () => {
  if (skip) return;
  mkdirSync(join(ROOT, '/etc/slurm-ratelimit'), { recursive: true });
  writeFileSync(join(ROOT, CONF), SLURM_CONF_TEXT);
  writeFileSync(join(ROOT, '/etc/slurm-ratelimit/cgroup.conf'), 'CgroupPlugin=disabled\n');
  inRoot('install', '-d', '-o', 'slurm', '-g', 'slurm', '/var/lib/slurm-ratelimit/slurmctld', '/var/log/slurm-ratelimit', '/run/slurm-ratelimit');
  if (ctldPid() === undefined) inRoot('env', `SLURM_CONF=${CONF}`, '/usr/sbin/slurmctld');
  for (let i = 0; i < 100; i++) {
    try {
      if (inRoot('env', `SLURM_CONF=${CONF}`, 'scontrol', 'ping').includes('UP')) return;
    } catch { /* not yet */ }
    await sleep(200);
  }
  throw new Error(`the private slurmctld did not answer; see ${ROOT}${LOG}`);
});

after(() => {
  if (burst?.pid !== undefined && burst.exitCode === null) process.kill(-burst.pid, 'SIGKILL');
  const pid = ctldPid();
  if (pid !== undefined) process.kill(pid, 'SIGTERM');
});

test('rate-limited slurmctld: last jobs stay visible and stale, the error says busy, polls back off, then it recovers', { skip }, async () => {
  const bed = readBed(bedFileFor('24.11'));
  const prelude = `export SLURM_CONF=${CONF}`;
  const sub = await sshRun(`${prelude}; sbatch --parsable -H -J 'wb ratelimit' --wrap true`, { bed });
  assert.equal(sub.code, 0, sub.stderr);
  const id = sub.stdout.trim();

  const parsed = parseProfile({ name: 'ratelimit', kind: 'ssh', host: bed.sshHost, port: bed.sshPort, user: bed.user, auth: 'key', identityFile: bed.identityFile, knownHostsFile: bed.knownHostsFile, prelude });
  if (!parsed.ok) throw new Error(parsed.problem.message);
  const inner = createTransport(parsed.profile, { prompter: refuseEveryPrompt, secrets: nullSecretStore, logger }, { defaultTimeoutMs: 30_000 });
  // When each squeue started, and how many ran at once at most (the cluster probe's few commands
  // run in parallel once; the poll's squeue must never overlap another).
  const squeues: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const transport = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'exec') {
        return async (argv: readonly string[], opts?: unknown) => {
          if (!argv.includes('squeue')) return target.exec(argv, opts as never);
          squeues.push(Date.now());
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          try {
            return await target.exec(argv, opts as never);
          } finally {
            inFlight--;
          }
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as Transport;
  const session = new ClusterSession('ratelimit', transport, { timing: { ...DEFAULT_TIMING, intervalMs: 500, maxBackoffMs: 8_000 }, commandTimeoutMs: 3_000 });
  /** Each failed poll: when it was reported and the wait it announced. */
  const failures: { at: number; waitS: number; snapshot: ClusterSnapshot }[] = [];
  session.onDidChange(({ snapshot }) => {
    if (snapshot.error === undefined) return;
    failures.push({ at: Date.now(), waitS: Number(/next try in (\d+) s/.exec(snapshot.error)?.[1] ?? -1), snapshot });
  });
  try {
    session.start();
    await untilSnapshot(session, 'the held job', (s) => s.error === undefined && s.jobs.some((j) => j.id === id), 30_000);

    // Another client of the same user drains the bucket: rounds of 8 parallel squeue for 20 s.
    burst = spawn('chroot', [ROOT, 'runuser', '-u', bed.user, '--', 'bash', '-c',
      `export SLURM_CONF=${CONF}; end=$((SECONDS+20)); while ((SECONDS<end)); do for i in 1 2 3 4 5 6 7 8; do squeue -h >/dev/null 2>&1 & done; wait; done`,
    ], { stdio: 'ignore', detached: true });
    const burstStartedAt = Date.now();
    const burstEnded = new Promise<void>((r) => burst!.once('exit', () => r()));

    const busy = await untilSnapshot(session, 'a failed poll', (s) => s.error !== undefined, 40_000);
    assert.match(busy.error ?? '', /Slurm controller is (busy or unreachable|rate-limiting)/);
    assert.match(busy.error ?? '', /next try in \d+ s/);
    assert.equal(busy.stale, true, 'marked stale');
    assert.ok(busy.jobs.some((j) => j.id === id), 'the last known jobs stay visible');

    await burstEnded;
    const recovered = await untilSnapshot(session, 'recovery', (s) => s.error === undefined && !s.stale && s.jobs.some((j) => j.id === id), 60_000);
    const recoveredAt = Date.now();
    assert.equal(recovered.error, undefined);
    assert.ok(recovered.jobs.some((j) => j.id === id));

    // Backoff, and no storm: after each failure the next squeue waited at least the announced time
    // (500 ms x 2^failures in a row, capped at 8 s), and never more than one command ran at once.
    assert.ok(failures.length >= 1);
    assert.ok(failures.every((f) => f.waitS >= 1 && f.snapshot.stale), JSON.stringify(failures.map((f) => f.waitS)));
    for (const f of failures) {
      const next = squeues.find((t) => t > f.at);
      if (next !== undefined) assert.ok(next - f.at >= f.waitS * 1000 - 600, `after a failure announcing ${f.waitS} s the next squeue came ${next - f.at} ms later`);
    }
    assert.equal(maxInFlight, 1, 'one squeue at a time');
    const during = squeues.filter((t) => t >= burstStartedAt && t <= recoveredAt).length;
    logger.info(`rate-limited stretch: ${during} squeue in ${Math.round((recoveredAt - burstStartedAt) / 1000)} s, announced waits ${failures.map((f) => f.waitS).join(', ')} s`);
  } finally {
    session.dispose();
    await sshRun(`${prelude}; scancel ${id}`, { bed });
  }
});


function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
