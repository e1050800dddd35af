// The integration tests' view of the bundled cluster: `.bed/cluster.json` (written by
// `.devcontainer/cluster/up.sh`) and a way to run commands as the test user through the REAL sshd
// with the OpenSSH client. No shell on our side: arguments go to execFile as an array.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const bedFile = path.join(repoRoot, '.bed', 'cluster.json');

const port = z.number().int().min(1).max(65535);

export const BedSchema = z.object({
  clusterName: z.string().min(1),
  slurmVersion: z.string().regex(/^\d+\.\d+\.\d+/),
  sshHost: z.string().min(1),
  sshPort: port,
  jumpPort: port,
  user: z.string().min(1),
  /** Throwaway password of the local test user; never a real secret. */
  password: z.string().min(1),
  identityFile: z.string().min(1),
  knownHostsFile: z.string().min(1),
  hostKeyFingerprint: z.string().startsWith('SHA256:'),
  partitions: z.array(z.string().min(1)).min(1),
  nodes: z.array(z.string().min(1)).min(1),
  home: z.string().startsWith('/'),
});

export type Bed = z.infer<typeof BedSchema>;

const fixHint = 'Run `npm run cluster:up` (as root) to start the bundled cluster and write it.';

/** The parsed, validated `.bed/cluster.json`; throws saying how to fix it when missing or invalid. */
export function readBed(file: string = bedFile): Bed {
  if (!existsSync(file)) {
    throw new Error(`The test bed description ${file} is missing: the bundled cluster is not up. ${fixHint}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}). ${fixHint}`, { cause: err });
  }
  const parsed = BedSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file} does not describe a test bed (${problems}). ${fixHint}`);
  }
  return parsed.data;
}

/** The Slurm versions (major.minor) the test bed can run, each with its own description file. */
export const bedVersions = ['22.05', '24.11'] as const;
export type BedVersion = (typeof bedVersions)[number];

/** `.bed/cluster.json` for the default 22.05 cluster, `.bed/cluster-<version>.json` for the others. */
export function bedFileFor(version: BedVersion): string {
  return version === '22.05' ? bedFile : path.join(repoRoot, '.bed', `cluster-${version}.json`);
}

/**
 * Which beds to run against: `SLURM_WB_BEDS=22.05,24.11` names them (each must be up: a missing one
 * throws, so a run that asked for 24.11 never silently skips it); unset, 22.05 always plus every
 * other version whose description exists (written by `.devcontainer/cluster/up-<version>.sh`,
 * removed by its down script).
 */
export function selectedBedVersions(env: NodeJS.ProcessEnv = process.env): BedVersion[] {
  const wanted = env.SLURM_WB_BEDS?.trim();
  if (!wanted) {
    return bedVersions.filter((v) => v === '22.05' || existsSync(bedFileFor(v)));
  }
  const names = wanted.split(',').map((v) => v.trim()).filter((v) => v !== '');
  const unknown = names.filter((v) => !(bedVersions as readonly string[]).includes(v));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`SLURM_WB_BEDS=${wanted} names no known test bed (known: ${bedVersions.join(', ')}).`);
  }
  return [...new Set(names as BedVersion[])];
}

/** Every selected bed, parsed and validated (see `selectedBedVersions`), for suites parameterised by version. */
export function readBeds(env: NodeJS.ProcessEnv = process.env): Bed[] {
  return selectedBedVersions(env).map((version) => {
    const file = bedFileFor(version);
    if (version !== '22.05' && !existsSync(file)) {
      throw new Error(
        `The Slurm ${version} test bed is not up (${file} is missing) but SLURM_WB_BEDS asks for it. ` +
          `Run \`bash .devcontainer/cluster/up-${version}.sh\` as root, or leave ${version} out of SLURM_WB_BEDS.`,
      );
    }
    return readBed(file);
  });
}

/** "Slurm 24.11.5 (bundled2411)": names a bed in test titles. */
export function bedLabel(bed: Bed): string {
  return `Slurm ${bed.slurmVersion} (${bed.clusterName})`;
}

export interface SshRunOptions {
  /** 'key' (default): the bed's ed25519 key, BatchMode. 'password': sshpass with the bed's password. */
  auth?: 'key' | 'password';
  /** sshd port; default the login node's (`bed.sshPort`). */
  port?: number;
  /** Reach the login node through the bastion (`bed.jumpPort`) with a ProxyCommand. */
  viaBastion?: boolean;
  /** Written to the remote command's stdin. */
  input?: string;
  /** Whole command budget; default 60 s. */
  timeoutMs?: number;
  bed?: Bed;
}

export interface SshResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** OpenSSH options that pin the bed's host key and ignore the caller's ~/.ssh/config. */
export function sshOptions(bed: Bed, auth: 'key' | 'password' = 'key'): string[] {
  const common = [
    '-F', '/dev/null',
    '-o', `UserKnownHostsFile=${bed.knownHostsFile}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'ConnectTimeout=10',
    '-o', 'LogLevel=ERROR',
  ];
  if (auth === 'key') {
    return [...common, '-i', bed.identityFile, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes'];
  }
  return [
    ...common,
    '-o', 'PubkeyAuthentication=no',
    '-o', 'PreferredAuthentications=password,keyboard-interactive',
    '-o', 'NumberOfPasswordPrompts=1',
  ];
}

/**
 * Runs `command` (one remote shell command line) as the test user through the real sshd.
 * Resolves with the exit code, even when it is not 0 (255 means ssh itself failed); rejects only
 * when ssh/sshpass cannot be started or the time budget runs out.
 */
export function sshRun(command: string, opts: SshRunOptions = {}): Promise<SshResult> {
  const bed = opts.bed ?? readBed();
  const auth = opts.auth ?? 'key';
  const port = opts.port ?? bed.sshPort;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const args = [...sshOptions(bed, auth), '-p', String(port)];
  if (opts.viaBastion) {
    // The jump hop uses the same key and known_hosts; ProxyCommand keeps it explicit and config-free.
    const hop = ['ssh', ...sshOptions(bed, 'key'), '-p', String(bed.jumpPort), '-W', '%h:%p', `${bed.user}@${bed.sshHost}`];
    args.push('-o', `ProxyCommand=${hop.join(' ')}`);
  }
  args.push(`${bed.user}@${bed.sshHost}`, command);

  // The password goes through the environment (sshpass -e), never on a command line.
  const [file, argv, env] =
    auth === 'password'
      ? ['sshpass', ['-e', 'ssh', ...args], { ...process.env, SSHPASS: bed.password }]
      : ['ssh', args, process.env];

  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      argv,
      { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          const why = error.killed ? `timed out after ${timeoutMs} ms` : error.message;
          reject(new Error(`ssh ${bed.user}@${bed.sshHost}:${port} \`${command}\` ${why}. stderr: ${stderr}`));
          return;
        }
        resolve({ stdout, stderr, code: error ? (error.code as number) : 0 });
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}
