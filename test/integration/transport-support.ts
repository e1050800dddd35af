// Shared pieces of the transport integration tests: a recording prompter, an in-memory secret
// store, a logger whose sink is captured (to grep for secrets), and profiles for the bundled bed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Profile } from '../../src/config/profile';
import { parseSshConfig, type LoadedSshConfig } from '../../src/config/sshConfig';
import { Logger } from '../../src/core/logger';
import type { AuthPrompter, AuthTarget, KeyboardInteractivePrompt, SecretStore, TransportDeps } from '../../src/transport/auth';
import { createTransport, type CreateTransportOptions } from '../../src/transport/factory';
import { SshTransport } from '../../src/transport/sshTransport';

export interface PromptLog {
  passwords: AuthTarget[];
  passphrases: string[];
  rounds: { name: string; instructions: string; prompts: KeyboardInteractivePrompt[] }[];
  hostKeys: { host: string; port: number; keyType: string; fingerprint: string }[];
}

export interface PrompterAnswers {
  password?: string;
  passphrase?: string;
  /** One entry per keyboard-interactive round. */
  rounds?: string[][];
  acceptHostKey?: boolean;
}

export function recordingPrompter(answers: PrompterAnswers): { prompter: AuthPrompter; asked: PromptLog } {
  const asked: PromptLog = { passwords: [], passphrases: [], rounds: [], hostKeys: [] };
  let round = 0;
  const prompter: AuthPrompter = {
    askPassword: async (target) => {
      asked.passwords.push(target);
      return answers.password;
    },
    askPassphrase: async (file) => {
      asked.passphrases.push(file);
      return answers.passphrase;
    },
    keyboardInteractive: async (_target, name, instructions, prompts) => {
      asked.rounds.push({ name, instructions, prompts: [...prompts] });
      return answers.rounds?.[round++];
    },
    confirmUnknownHostKey: async (host, port, keyType, fingerprint) => {
      asked.hostKeys.push({ host, port, keyType, fingerprint });
      return answers.acceptHostKey ?? false;
    },
  };
  return { prompter, asked };
}

export class MemorySecrets implements SecretStore {
  readonly map = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.map.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.map.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
}

export function capturingLogger(): { logger: Logger; lines: string[] } {
  const logger = new Logger();
  const lines: string[] = [];
  logger.setSink({ log: (level, message) => lines.push(`${level} ${message}`) });
  return { logger, lines };
}

export function deps(answers: PrompterAnswers = {}): TransportDeps & { asked: PromptLog; lines: string[]; secretsMap: MemorySecrets } {
  const { prompter, asked } = recordingPrompter(answers);
  const { logger, lines } = capturingLogger();
  const secrets = new MemorySecrets();
  return { prompter, secrets, logger, asked, lines, secretsMap: secrets };
}

/** Profiles for the bundled bed: the one builder the other integration tests use too. */
export { bedProfile } from './bedTransport';

/** Transports for tests ignore the real ~/.ssh/config and agent unless given. */
export function sshTransport(profile: Profile, d: TransportDeps, options: CreateTransportOptions = {}): SshTransport {
  const t = createTransport(profile, d, {
    ...options,
    sshConfig: options.sshConfig ?? emptySshConfig(),
    env: { agentSocket: '', ...options.env },
  });
  if (!(t instanceof SshTransport)) throw new Error('expected an ssh transport');
  return t;
}

export function emptySshConfig(): LoadedSshConfig {
  return parseSshConfig('');
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The sshd process serving OUR connection (the unprivileged `sshd: user@notty` one), found by the
 * client's local port: the socket inode is matched in /proc/PID/fd of slurmuser's sshd processes.
 * Killing it drops only our connection; the shared sshd keeps running for everyone else.
 */
export function sshdPidForClientPort(localPort: number, serverPort: number, user: string): number | undefined {
  const out = execFileSync('ss', ['-tnH', '-e', 'state', 'established', `( sport = :${serverPort} and dport = :${localPort} )`], { encoding: 'utf8' });
  const inode = /ino:(\d+)/.exec(out)?.[1];
  if (!inode) return undefined;
  const uid = execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s*sshd/m.test(status) || !new RegExp(`^Uid:\\s*${uid}\\s`, 'm').test(status)) continue;
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return Number(pid);
      }
    } catch {
      // process went away
    }
  }
  return undefined;
}
