/**
 * "Slurm: Set Up Bundled Cluster", the VS Code-free part: what this machine can run (Docker's compose
 * cluster, the native bring-up as root on Debian, or neither and why), the commands for each, and the
 * cluster profile written from the test bed description (`.bed/cluster.json`) the bring-up leaves.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';

/** The bundled cluster's scripts live in the repository (`.devcontainer/`), not in the .vsix. */
export const CLUSTER_DIR = path.join('.devcontainer', 'cluster');
export const COMPOSE_FILE = path.join('.devcontainer', 'docker-compose.yml');
export const UP_SCRIPT = path.join(CLUSTER_DIR, 'up.sh');
export const CONTAINER_BED_SCRIPT = path.join(CLUSTER_DIR, 'container-bed.sh');
export const BED_FILE = path.join('.bed', 'cluster.json');
/** Host ports the compose file publishes the login node's sshd on (clear of the native 2222/2224). */
export const COMPOSE_SSH_PORT = 2322;
export const COMPOSE_JUMP_PORT = 2324;

export interface MachineFacts {
  /** `docker info` reached an engine and `docker compose version` works. */
  dockerCompose: boolean;
  isRoot: boolean;
  /** From /etc/os-release; undefined when unreadable (not Linux). */
  os?: OsRelease;
  /** A workspace folder holding the Slurm Workbench repository's cluster scripts, if any. */
  repoRoot?: string;
}

export interface OsRelease {
  id: string;
  versionId: string;
}

export type SetupPlan =
  | { kind: 'compose'; repoRoot: string }
  | { kind: 'native'; repoRoot: string }
  | { kind: 'unavailable'; message: string; hint: string };

export function parseOsRelease(text: string): OsRelease {
  const field = (name: string): string => {
    const m = new RegExp(`^${name}=(.*)$`, 'm').exec(text);
    return m ? m[1].trim().replace(/^"(.*)"$/, '$1') : '';
  };
  return { id: field('ID'), versionId: field('VERSION_ID') };
}

const REPO_HINT =
  'The bundled cluster is started by scripts in the Slurm Workbench repository (.devcontainer/), which the ' +
  'extension does not ship: open a clone of the repository as a workspace folder and run this command again, ' +
  'or open the clone in its dev container ("Reopen in Container"), where the cluster runs beside VS Code.';

/** Docker first (nothing installed on this machine), then the native bring-up, else why not. */
export function planSetup(facts: MachineFacts): SetupPlan {
  if (!facts.repoRoot) {
    return { kind: 'unavailable', message: 'No workspace folder holds the bundled cluster\'s scripts (.devcontainer/cluster/up.sh).', hint: REPO_HINT };
  }
  if (facts.dockerCompose) return { kind: 'compose', repoRoot: facts.repoRoot };
  const debian = facts.os?.id === 'debian';
  if (debian && facts.isRoot) return { kind: 'native', repoRoot: facts.repoRoot };
  if (debian) {
    return {
      kind: 'unavailable',
      message: 'Docker is not available, and the native bring-up needs root (it installs Debian packages and starts daemons).',
      hint: `Run it yourself: sudo bash ${UP_SCRIPT} (in ${facts.repoRoot}), then run this command again to write the profile.`,
    };
  }
  return {
    kind: 'unavailable',
    message: `Docker is not available here, and the native bring-up runs only on Debian (this is ${facts.os ? `${facts.os.id || 'an unknown Linux'} ${facts.os.versionId}`.trim() : 'not Linux'}).`,
    hint: 'Install Docker (with the compose plugin) and run this command again, or open the repository in its dev container.',
  };
}

/** A command to run: argv (never a shell string), its folder and extra environment. */
export interface SetupStep {
  label: string;
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
}

export function setupSteps(plan: Extract<SetupPlan, { kind: 'compose' | 'native' }>): SetupStep[] {
  const cwd = plan.repoRoot;
  if (plan.kind === 'native') return [{ label: 'Starting the native cluster (up.sh)', argv: ['bash', UP_SCRIPT], cwd }];
  return [
    // Only the cluster's services: `login` depends on every other cluster service; the dev container is not started.
    { label: 'Starting the cluster containers', argv: ['docker', 'compose', '-f', COMPOSE_FILE, 'up', '-d', '--build', '--wait', 'login'], cwd },
    {
      label: 'Installing the test user\'s key and writing .bed/cluster.json',
      argv: ['bash', CONTAINER_BED_SCRIPT],
      cwd,
      env: { SW_SSH_HOST: '127.0.0.1', SW_SSH_PORT: String(COMPOSE_SSH_PORT), SW_JUMP_PORT: String(COMPOSE_JUMP_PORT) },
    },
  ];
}

/** The fields of `.bed/cluster.json` a profile needs (the file holds more). */
export const BundledBedSchema = lazySchema(() => z.object({
  clusterName: z.string().min(1),
  sshHost: z.string().min(1),
  sshPort: z.number().int().min(1).max(65535),
  user: z.string().min(1),
  identityFile: z.string().min(1),
  knownHostsFile: z.string().min(1),
}));
export type BundledBed = z.infer<typeof BundledBedSchema>;

export function parseBundledBed(text: string, file: string): BundledBed {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}); run the bring-up again.`, { cause: err });
  }
  const parsed = BundledBedSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${file} does not describe the bundled cluster (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}).`);
  }
  return parsed.data;
}

/** Key login only: the test user's throwaway password never goes into settings. */
export function profileFromBed(bed: BundledBed): Record<string, unknown> {
  return {
    name: bed.clusterName,
    kind: 'ssh',
    host: bed.sshHost,
    port: bed.sshPort,
    user: bed.user,
    auth: 'key',
    identityFile: bed.identityFile,
    knownHostsFile: bed.knownHostsFile,
  };
}

export interface MergedProfiles {
  profiles: unknown[];
  /** The name the bundled profile got (another name when a different cluster already uses it). */
  name: string;
  action: 'added' | 'updated' | 'unchanged';
}

const CONNECTION_KEYS = ['kind', 'host', 'port', 'user', 'auth', 'identityFile', 'knownHostsFile'] as const;

/**
 * Adds the bundled cluster's profile to the user's `slurm.profiles` without losing anything they
 * wrote: a profile of the same name pointing at the same host and port is updated (its other
 * fields kept); a same-named profile for another cluster is left alone and ours gets a free name.
 */
export function mergeBundledProfile(existing: unknown, profile: Record<string, unknown>): MergedProfiles {
  const list = Array.isArray(existing) ? [...existing] : [];
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  const names = new Set(list.filter(isObject).map((p) => p.name));
  const sameEndpoint = (p: Record<string, unknown>): boolean => p.host === profile.host && p.port === profile.port;
  const base = String(profile.name);
  for (let i = 0; ; i++) {
    const name = i === 0 ? base : `${base}-${i + 1}`;
    const index = list.findIndex((p) => isObject(p) && p.name === name);
    if (index < 0) {
      if (names.has(name)) continue;
      list.push({ ...profile, name });
      return { profiles: list, name, action: 'added' };
    }
    const current = list[index] as Record<string, unknown>;
    if (!sameEndpoint(current)) continue;
    if (CONNECTION_KEYS.every((k) => current[k] === profile[k])) return { profiles: list, name, action: 'unchanged' };
    list[index] = { ...current, ...profile, name };
    return { profiles: list, name, action: 'updated' };
  }
}
