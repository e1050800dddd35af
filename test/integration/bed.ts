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
