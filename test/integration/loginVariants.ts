// The "realistic login" variants of the test bed (issue 17): `.bed/login-variants.json` and
// `.bed/login-variants-<version>.json`, written by `.devcontainer/cluster/login-variants.sh`
// (run by up.sh / up-24.11.sh). Each variant is a way to log in to one bed's cluster: a user with a
// noisy or non-POSIX login shell, or the test user on an sshd with few sessions. Also: commands
// run as root where that cluster's daemons live (here, or inside the 24.11 root with chroot), to
// see the truth without going through the login being tested.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { repoRoot, type Bed, type BedVersion } from './bed';

const port = z.number().int().min(1).max(65535);

export const LoginVariantSchema = z.object({
  name: z.string().min(1),
  user: z.string().min(1),
  sshHost: z.string().min(1),
  sshPort: port,
  identityFile: z.string().min(1),
  knownHostsFile: z.string().min(1),
  /** The user's login shell, e.g. /usr/bin/tcsh. */
  shell: z.string().startsWith('/'),
  home: z.string().startsWith('/'),
  /** sshd's MaxSessions on that port; null: the default (10). */
  maxSessions: z.number().int().min(1).nullable(),
  notes: z.string(),
});

export const LoginVariantsSchema = z.object({
  clusterName: z.string().min(1),
  /** Where the cluster's daemons see "/" on this machine: "/" or the Debian 13 root. */
  root: z.string().startsWith('/'),
  variants: z.array(LoginVariantSchema).min(1),
});

export type LoginVariant = z.infer<typeof LoginVariantSchema>;
export type LoginVariants = z.infer<typeof LoginVariantsSchema>;

export function loginVariantsFile(version: BedVersion): string {
  return path.join(repoRoot, '.bed', version === '22.05' ? 'login-variants.json' : `login-variants-${version}.json`);
}

/** The parsed, validated variants of one bed; throws saying how to fix it when missing or invalid. */
export function readLoginVariants(version: BedVersion): LoginVariants {
  const file = loginVariantsFile(version);
  const fix = `Run \`bash .devcontainer/cluster/${version === '22.05' ? 'up.sh' : `up-${version}.sh`}\` as root (it runs login-variants.sh).`;
  if (!existsSync(file)) throw new Error(`${file} is missing: the realistic-login variants of Slurm ${version} are not set up. ${fix}`);
  const parsed = LoginVariantsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file} does not describe login variants (${problems}). ${fix}`);
  }
  return parsed.data;
}

/** `bed` as seen by the variant's login: its user, port, key, known_hosts and home. */
export function variantBed(bed: Bed, v: LoginVariant): Bed {
  return { ...bed, user: v.user, sshHost: v.sshHost, sshPort: v.sshPort, identityFile: v.identityFile, knownHostsFile: v.knownHostsFile, home: v.home };
}

export interface RootResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Runs argv as root where the cluster lives (no shell: execFile with an array), `input` on its
 * stdin. Needs root on this machine, as bringing the beds up does. Resolves with the exit code
 * whatever it is.
 */
export function asRoot(lv: LoginVariants, argv: readonly string[], input = '', timeoutMs = 30_000): Promise<RootResult> {
  const [file, ...args] = lv.root === '/' ? argv : ['chroot', lv.root, ...argv];
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`${argv.join(' ')} as root in ${lv.root}: ${error.message}. stderr: ${stderr}`));
        return;
      }
      resolve({ stdout, stderr, code: error ? (error.code as number) : 0 });
    });
    // A command that never reads its stdin (squeue) may exit before it is written: no EPIPE then.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}

/** argv run as `user` without any login shell (runuser), where the cluster lives. */
export function asUser(lv: LoginVariants, user: string, argv: readonly string[], input = ''): Promise<RootResult> {
  return asRoot(lv, ['runuser', '-u', user, '--', ...argv], input);
}

/** A file of the cluster's filesystem as a path on this machine. */
export function hostPath(lv: LoginVariants, remotePath: string): string {
  return lv.root === '/' ? remotePath : path.join(lv.root, remotePath);
}

/**
 * sbatch as `user` (no login shell involved), `script` on stdin; returns the job id. Retried for up
 * to 30 s while the controller cannot be reached: other suites (jobs-outage) restart slurmctld.
 */
export async function sbatchAs(lv: LoginVariants, user: string, args: readonly string[], script: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  let r = await asUser(lv, user, ['sbatch', '--parsable', ...args], script);
  while (r.code !== 0 && /Unable to contact slurm controller/.test(r.stderr) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    r = await asUser(lv, user, ['sbatch', '--parsable', ...args], script);
  }
  if (r.code !== 0 || !/^\d+$/.test(r.stdout.trim())) throw new Error(`sbatch as ${user} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}

/** The ids (one per line, sorted) root's squeue lists for `user`. */
export async function rootSqueueIds(lv: LoginVariants, user: string): Promise<string[]> {
  const r = await asRoot(lv, ['squeue', '-h', '-u', user, '-o', '%i']);
  if (r.code !== 0) throw new Error(`root's squeue failed: ${r.stderr}`);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
}

const finalStates = /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL)/;

/** The job's final state as root's sacct records it; throws after `timeoutMs`. */
export async function rootFinalState(lv: LoginVariants, jobId: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await asRoot(lv, ['sacct', '-n', '-X', '-P', '-o', 'State', '-j', jobId]);
    const state = r.stdout.trim().split('\n')[0] ?? '';
    if (finalStates.test(state)) return state;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish in ${timeoutMs / 1000} s (state ${state || 'unknown'})`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
