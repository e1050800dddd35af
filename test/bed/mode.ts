// Where the tests run and so where the bundled cluster's login node is:
//   host          this machine, native cluster from up.sh: 127.0.0.1:2222 (bastion 2224)
//   ci            the same native cluster, brought up by the CI run (CI=true)
//   devcontainer  inside the dev container: the compose cluster's login node, host "login", same ports
// SLURM_WB_MODE forces a mode; SLURM_WB_SSH_HOST / SLURM_WB_SSH_PORT / SLURM_WB_JUMP_PORT override the
// address (e.g. the compose cluster seen from the host: 127.0.0.1:2322). Used by
// .devcontainer/post-create.sh (run as a script it prints "MODE HOST PORT JUMP_PORT") to write the bed.
import { existsSync } from 'node:fs';
import { z } from 'zod';

export const executionModes = ['host', 'ci', 'devcontainer'] as const;
export type ExecutionMode = (typeof executionModes)[number];

export interface ClusterAddress {
  mode: ExecutionMode;
  sshHost: string;
  sshPort: number;
  jumpPort: number;
}

/** What the detection looks at besides the environment (replaceable in tests). */
export interface ModeProbes {
  /** A file that exists only inside a container (Docker's /.dockerenv, Podman's /run/.containerenv). */
  exists(path: string): boolean;
}

const port = z.coerce.number().int().min(1).max(65535);
const hostName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$|^\[?[0-9a-fA-F:]+\]?$/, 'must be a host name or an IP address');

export function detectExecutionMode(env: NodeJS.ProcessEnv = process.env, probes: ModeProbes = { exists: existsSync }): ExecutionMode {
  const forced = env.SLURM_WB_MODE?.trim();
  if (forced) {
    const parsed = z.enum(executionModes).safeParse(forced);
    if (!parsed.success) throw new Error(`SLURM_WB_MODE=${forced} is not one of ${executionModes.join(', ')}`);
    return parsed.data;
  }
  // The dev container tooling sets these; the container files alone do not make a dev container.
  const devcontainerTool = env.REMOTE_CONTAINERS === 'true' || env.DEVCONTAINER === 'true' || env.CODESPACES === 'true';
  if (devcontainerTool && (probes.exists('/.dockerenv') || probes.exists('/run/.containerenv'))) return 'devcontainer';
  if (env.CI === 'true' || env.CI === '1') return 'ci';
  return 'host';
}

export function clusterAddress(env: NodeJS.ProcessEnv = process.env, probes?: ModeProbes): ClusterAddress {
  const mode = detectExecutionMode(env, probes);
  const defaults = { sshHost: mode === 'devcontainer' ? 'login' : '127.0.0.1', sshPort: 2222, jumpPort: 2224 };
  const read = <T>(name: string, schema: z.ZodType<T>, fallback: T): T => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new Error(`${name}=${raw}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  };
  return {
    mode,
    sshHost: read('SLURM_WB_SSH_HOST', hostName, defaults.sshHost),
    sshPort: read('SLURM_WB_SSH_PORT', port, defaults.sshPort),
    jumpPort: read('SLURM_WB_JUMP_PORT', port, defaults.jumpPort),
  };
}

if (require.main === module) {
  const a = clusterAddress();
  console.log(`${a.mode} ${a.sshHost} ${a.sshPort} ${a.jumpPort}`);
}
