// "Slurm: Set Up Bundled Cluster" with Docker present, its VS Code-free part, run for real by
// test/bed/docker-stage.sh on a scratch copy of the repository (argv[2]): the product's planSetup
// chooses compose when `docker info` reaches an engine and `docker compose version` (Compose v2)
// works, the product's setupSteps run as they are (docker compose up -d --build --wait login, then
// container-bed.sh for 127.0.0.1:2322), and the profile the command writes (profileFromBed merged
// into empty settings) connects through the real ssh2 transport: Test Connection answers and
// squeue (what the Jobs view polls) lists a job submitted through it.
// Not covered here: the command's dialogs and the Jobs view inside code-server.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseProfile } from '../../src/config/profile';
import { logger } from '../../src/core/logger';
import { mergeBundledProfile, parseBundledBed, planSetup, profileFromBed, setupSteps } from '../../src/onboarding/bundledCluster';
import { testConnection } from '../../src/session/connectionTest';
import { nullSecretStore } from '../../src/transport/auth';
import { createTransport } from '../../src/transport/factory';
import { refuseEveryPrompt } from '../integration/bedTransport';

const say = (s: string): void => console.log(`[setup-command] ${s}`);
const succeeds = (file: string, args: string[]): boolean => spawnSync(file, args, { stdio: 'ignore', timeout: 30_000 }).status === 0;

async function main(): Promise<void> {
  const repoRoot = path.resolve(process.argv[2] ?? '');
  // The same probes as src/commands/setupBundledCluster.ts gathers its facts with.
  const dockerCompose = succeeds('docker', ['info', '--format', '{{.ServerVersion}}']) && succeeds('docker', ['compose', 'version']);
  const plan = planSetup({ dockerCompose, isRoot: process.getuid?.() === 0, os: undefined, repoRoot });
  if (plan.kind !== 'compose') throw new Error(`planSetup chose ${plan.kind}, not compose (docker compose usable: ${dockerCompose})`);
  for (const step of setupSteps(plan)) {
    say(`${step.label}: ${step.argv.join(' ')}`);
    const r = spawnSync(step.argv[0], step.argv.slice(1), { cwd: step.cwd, env: { ...process.env, ...step.env }, stdio: 'inherit', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`${step.label} failed (exit ${r.status ?? r.signal})`);
  }
  const bedFile = path.join(repoRoot, '.bed', 'cluster.json');
  const merged = mergeBundledProfile(undefined, profileFromBed(parseBundledBed(readFileSync(bedFile, 'utf8'), bedFile)));
  const parsed = parseProfile(merged.profiles[0]);
  if (!parsed.ok) throw new Error(`the written profile is invalid: ${parsed.problem.message}`);
  const profile = parsed.profile;
  say(`profile ${merged.name} (${merged.action}): ${JSON.stringify(merged.profiles[0])}`);

  const transport = createTransport(profile, { prompter: refuseEveryPrompt, secrets: nullSecretStore, logger }, { defaultTimeoutMs: 30_000 });
  try {
    const report = await testConnection(transport, { timeoutMs: 30_000 });
    say(`Test Connection: Slurm ${report.slurmVersion}, user ${report.user}, cluster ${report.clusterName}, ${Math.round(report.latencyMs)} ms`);
    const sub = await transport.exec(['sbatch', '--parsable', '--hold', '-J', 'setup-command-check', '--wrap', 'true']);
    const id = sub.stdout.trim().split(';')[0];
    if (sub.code !== 0 || !/^\d+$/.test(id)) throw new Error(`sbatch through the profile failed: ${sub.stderr}`);
    const q = await transport.exec(['squeue', '-h', '-j', id, '-o', '%i %j %T']);
    await transport.exec(['scancel', id]);
    if (!q.stdout.includes(`${id} setup-command-check PENDING`)) throw new Error(`squeue does not list job ${id}: ${q.stdout} ${q.stderr}`);
    say(`job ${id} submitted and listed by squeue through the profile: ${q.stdout.trim()}`);
  } finally {
    transport.dispose();
  }
}

main().then(
  () => say('ok'),
  (err: unknown) => {
    console.error(`[setup-command] FAILED: ${(err as Error).message}`);
    process.exit(1);
  },
);
