/**
 * Cluster profiles: the `slurm.profiles` setting, validated with zod, and their resolution
 * against ~/.ssh/config into the concrete endpoints a transport connects to.
 *
 * Profile fields win over ~/.ssh/config, as command-line options win over the config for ssh.
 * Secrets never live here: passwords and passphrases go to SecretStorage.
 */
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import {
  expandProxyCommand,
  expandTilde,
  parseJumpList,
  resolveSshHost,
  type JumpSpec,
  type LoadedSshConfig,
} from './sshConfig';

export const AUTH_METHODS = ['auto', 'agent', 'key', 'password', 'keyboard-interactive'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

const optionalText = lazySchema(() => z
  .string({ error: 'must be text' })
  .trim()
  .transform((s) => (s.length === 0 ? undefined : s))
  .optional());

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** One word of the Python environment: it ends up on a line of the wrapper script, so one line. */
const pythonWord = lazySchema(() => z
  .string({ error: 'must be text' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .refine((s) => !CONTROL_CHARACTERS.test(s), { error: 'must be one line of text' }));

/**
 * How submitted .py files find their Python: `module load` each of `modules` (one name or a list),
 * then `conda activate`, then `source <venv>/bin/activate`, then `<interpreter> file.py`.
 */
export const PythonProfileSchema = lazySchema(() => z.strictObject(
  {
    modules: z
      .union([pythonWord, z.array(pythonWord)], { error: 'must be a module name or a list of them, e.g. ["python/3.11"]' })
      .optional()
      .transform((m) => (m === undefined ? [] : Array.isArray(m) ? m : [m])),
    conda: pythonWord.optional(),
    venv: pythonWord.optional(),
    interpreter: pythonWord.default('python3'),
  },
  {
    error: (issue) => issue.code === 'unrecognized_keys'
      ? `has unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')} (known: modules, conda, venv, interpreter)`
      : 'must be an object like { "modules": ["python/3.11"], "venv": "~/venvs/x" }',
  },
));

export const ProfileSchema = lazySchema(() => z
  .object({
    name: z.string({ error: 'is required (a short name such as "bundled")' }).trim().min(1, { error: 'must not be empty' }),
    kind: z.enum(['ssh', 'local'], { error: 'must be "ssh" or "local"' }).default('ssh'),
    host: optionalText,
    port: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be between 1 and 65535' })
      .max(65535, { error: 'must be between 1 and 65535' })
      .optional(),
    user: optionalText,
    auth: z
      .enum(AUTH_METHODS, { error: `must be one of ${AUTH_METHODS.map((m) => `"${m}"`).join(', ')}` })
      .default('auto'),
    identityFile: optionalText,
    proxyJump: optionalText,
    knownHostsFile: optionalText,
    remoteRoot: optionalText,
    prelude: z.string({ error: 'must be text' }).optional(),
    pollIntervalSeconds: z.number({ error: 'must be a number' }).min(2, { error: 'must be at least 2 seconds' }).optional(),
    /** Remember passwords/passphrases in SecretStorage after a successful login (never 2FA answers). */
    rememberSecrets: z.boolean({ error: 'must be true or false' }).default(true),
    /** Python environment for submitted .py files. */
    python: PythonProfileSchema.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.kind === 'ssh' && p.host === undefined) {
      ctx.addIssue({ code: 'custom', path: ['host'], message: 'is required for an ssh profile (a host name or a Host alias from ~/.ssh/config)' });
    }
    if (p.proxyJump !== undefined) {
      try {
        parseJumpList(p.proxyJump);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['proxyJump'], message: (err as Error).message });
      }
    }
  }));

export type Profile = z.output<typeof ProfileSchema>;
/** What a user writes in settings (defaults not yet applied). */
export type ProfileInput = z.input<typeof ProfileSchema>;

export interface ProfileProblem {
  /** Index in the settings array. */
  index: number;
  /** The profile's name when it has one. */
  name?: string;
  /** One line per problem, each naming the profile and the field. */
  message: string;
}

export interface ParsedProfiles {
  profiles: Profile[];
  problems: ProfileProblem[];
}

/**
 * Parses the `slurm.profiles` setting. A broken profile is reported, never fatal for the
 * others; duplicate names keep the first.
 */
export function parseProfiles(raw: unknown): ParsedProfiles {
  if (raw === undefined || raw === null) return { profiles: [], problems: [] };
  if (!Array.isArray(raw)) {
    return { profiles: [], problems: [{ index: -1, message: 'slurm.profiles must be a list of profiles ([ { "name": ..., "host": ... } ]).' }] };
  }
  const profiles: Profile[] = [];
  const problems: ProfileProblem[] = [];
  const seen = new Set<string>();
  raw.forEach((item, index) => {
    const result = parseProfile(item, index);
    if (!result.ok) {
      problems.push(result.problem);
      return;
    }
    if (seen.has(result.profile.name)) {
      problems.push({ index, name: result.profile.name, message: `Profile "${result.profile.name}" is defined more than once; only the first is used. Rename one of them.` });
      return;
    }
    seen.add(result.profile.name);
    profiles.push(result.profile);
  });
  return { profiles, problems };
}

export function parseProfile(
  item: unknown,
  index = 0,
): { ok: true; profile: Profile } | { ok: false; problem: ProfileProblem } {
  const parsed = ProfileSchema.safeParse(item);
  if (parsed.success) return { ok: true, profile: parsed.data };
  const name = typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string'
    ? ((item as { name: string }).name.trim() || undefined)
    : undefined;
  const who = name ? `Profile "${name}"` : `Profile #${index + 1}`;
  const lines = parsed.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : undefined;
    if (issue.code === 'invalid_type' && typeof item !== 'object') return `${who} must be an object like { "name": "...", "host": "..." }.`;
    return `${who}: ${field ?? 'value'} ${issue.message}.`;
  });
  return { ok: false, problem: { index, name, message: lines.join('\n') } };
}

/** One machine we authenticate to: the target or a jump host. */
export interface SshEndpoint {
  /** What the user called it (profile host or alias); used in messages. */
  alias: string;
  /** The real host name to connect to and to look up in known_hosts. */
  host: string;
  port: number;
  user: string;
  auth: AuthMethod;
  /** Candidate private keys; `explicitIdentity` says whether the user named them. */
  identityFiles: string[];
  explicitIdentity: boolean;
  identitiesOnly: boolean;
  /** User known_hosts files to check; new keys are appended to the first. */
  knownHostsFiles: string[];
  /** System-wide known_hosts files (GlobalKnownHostsFile), checked too but never written. */
  globalKnownHostsFiles: string[];
  /** HostKeyAlias: host keys are looked up and recorded under this name instead of host:port. */
  hostKeyAlias?: string;
  /**
   * ProxyCommand with its tokens expanded (values shell-quoted), run through /bin/sh; its stdin
   * and stdout carry the connection. Only ever set on the first hop of a chain.
   */
  proxyCommand?: string;
  /** Agent socket (IdentityAgent or SSH_AUTH_SOCK), if any. */
  agentSocket?: string;
}

export interface ResolvedSshProfile {
  profile: Profile;
  target: SshEndpoint;
  /** Jump hosts in connection order (first is dialled directly, or through its ProxyCommand). */
  jumps: SshEndpoint[];
  /** Config lines that resolution set aside on purpose (logged at connect, never dropped silently). */
  notes: string[];
}

export interface ResolveEnv {
  home?: string;
  localUser?: string;
  /** SSH_AUTH_SOCK; defaults to process.env. */
  agentSocket?: string;
  /** System known_hosts files when the config names none; OpenSSH's defaults otherwise. */
  globalKnownHostsFiles?: string[];
}

/** OpenSSH's default GlobalKnownHostsFile. */
export const DEFAULT_GLOBAL_KNOWN_HOSTS_FILES = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

const DEFAULT_IDENTITY_FILES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'];
const MAX_JUMP_DEPTH = 8;

export function resolveSshProfile(profile: Profile, sshConfig: LoadedSshConfig, env: ResolveEnv = {}): ResolvedSshProfile {
  if (profile.kind !== 'ssh' || profile.host === undefined) {
    throw new Error(`Profile "${profile.name}" is not an ssh profile.`);
  }
  const home = env.home ?? homedir();
  const localUser = env.localUser ?? safeLocalUser();
  const agentSocket = env.agentSocket ?? process.env.SSH_AUTH_SOCK;
  const defaultGlobalFiles = env.globalKnownHostsFiles ?? DEFAULT_GLOBAL_KNOWN_HOSTS_FILES;
  const notes: string[] = [];

  const endpoint = (spec: JumpSpec, overrides: { auth: AuthMethod; identityFile?: string; inheritIdentityFile?: string; knownHostsFile?: string }): SshEndpoint => {
    const c = resolveSshHost(sshConfig, spec.host, home);
    const explicitFile = overrides.identityFile !== undefined ? [expandTilde(overrides.identityFile, home)] : undefined;
    // A jump host without its own IdentityFile also tries the profile's key: bastions usually
    // accept the same key as the login node.
    const inherited = overrides.inheritIdentityFile !== undefined ? [expandTilde(overrides.inheritIdentityFile, home)] : [];
    const identityFiles = explicitFile
      ?? (c.identityFiles.length > 0 ? c.identityFiles : [...inherited, ...DEFAULT_IDENTITY_FILES.map((f) => join(home, '.ssh', f))]);
    const knownHostsFiles = overrides.knownHostsFile !== undefined
      ? [expandTilde(overrides.knownHostsFile, home)]
      : (c.userKnownHostsFiles ?? [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')]);
    const host = c.hostName;
    const port = spec.port ?? c.port ?? 22;
    const user = spec.user ?? c.user ?? localUser;
    if (c.proxyCommand !== undefined && c.proxyUseFdpass) {
      throw new Error(
        `Profile "${profile.name}": ${spec.host} has "ProxyUseFdpass yes" in ~/.ssh/config, which Slurm Workbench does not support. ` +
          'Remove it for this host (the ProxyCommand then relays the connection over its stdin/stdout).',
      );
    }
    return {
      alias: spec.host,
      host,
      port,
      user,
      auth: overrides.auth,
      identityFiles,
      explicitIdentity: explicitFile !== undefined || c.identityFiles.length > 0,
      identitiesOnly: c.identitiesOnly,
      knownHostsFiles,
      globalKnownHostsFiles: c.globalKnownHostsFiles ?? [...defaultGlobalFiles],
      hostKeyAlias: c.hostKeyAlias,
      proxyCommand: c.proxyCommand !== undefined ? expandProxyCommand(c.proxyCommand, { host, port, user, alias: spec.host }) : undefined,
      agentSocket: agentFor(c.identityAgent, agentSocket),
    };
  };

  // A jump host's own ProxyJump (from the config) comes before it, recursively.
  const chainFor = (spec: JumpSpec, depth: number, knownHostsFile: string | undefined): SshEndpoint[] => {
    if (depth > MAX_JUMP_DEPTH) throw new Error(`Profile "${profile.name}": ProxyJump chain is longer than ${MAX_JUMP_DEPTH} hops (a loop?).`);
    const own = resolveSshHost(sshConfig, spec.host, home).proxyJump;
    const before = own ? jumpsFrom(own, depth + 1, knownHostsFile) : [];
    return [...before, endpoint(spec, { auth: 'auto', knownHostsFile, inheritIdentityFile: profile.identityFile })];
  };
  const jumpsFrom = (list: string, depth: number, knownHostsFile: string | undefined): SshEndpoint[] => {
    const specs = parseJumpList(list);
    // As with `ssh -J a,b`: only the first hop may bring its own configured ProxyJump.
    return specs.flatMap((spec, i) => (i === 0 ? chainFor(spec, depth, knownHostsFile) : [endpoint(spec, { auth: 'auto', knownHostsFile, inheritIdentityFile: profile.identityFile })]));
  };

  const targetSpec: JumpSpec = { host: profile.host, user: profile.user, port: profile.port };
  const target = endpoint(targetSpec, { auth: profile.auth, identityFile: profile.identityFile, knownHostsFile: profile.knownHostsFile });
  const jumpList = profile.proxyJump ?? resolveSshHost(sshConfig, profile.host, home).proxyJump;
  const jumps = jumpList ? jumpsFrom(jumpList, 0, profile.knownHostsFile) : [];
  // Only the hop dialled first can use a ProxyCommand; every later hop is reached through the one
  // before it, as with `ssh -J` (which overrides a ProxyCommand in the config). Say so.
  for (const hop of [...jumps, target].slice(1)) {
    if (hop.proxyCommand === undefined) continue;
    notes.push(`ProxyCommand for ${hop.alias} in ~/.ssh/config is not used: it is reached through the ProxyJump ${jumps.map((j) => j.alias).join(', ')}.`);
    hop.proxyCommand = undefined;
  }
  return { profile, target, jumps, notes };
}

/** Remote folder for uploads; `~` means the login directory. */
export function remoteRootOf(profile: Profile): string {
  return profile.remoteRoot ?? '~/.slurm-workbench';
}

function agentFor(identityAgent: string | undefined, envSocket: string | undefined): string | undefined {
  if (identityAgent === undefined || identityAgent === 'SSH_AUTH_SOCK') return envSocket;
  if (identityAgent.toLowerCase() === 'none') return undefined;
  return identityAgent;
}

function safeLocalUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}
