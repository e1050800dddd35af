/**
 * slurm.setupBundledCluster ("Slurm: Set Up Bundled Cluster"): starts the small Slurm cluster of the
 * repository — in Docker (compose) when an engine answers, else natively as root on Debian (up.sh) —
 * and writes its profile into user settings from the `.bed/cluster.json` the bring-up leaves.
 * The scripts live in the repository's .devcontainer/, which the .vsix does not ship: a workspace
 * folder must hold a clone (otherwise the command explains). Thin: decisions are in src/onboarding.
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, UserFacingError, errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import {
  BED_FILE,
  mergeBundledProfile,
  parseBundledBed,
  parseOsRelease,
  planSetup,
  profileFromBed,
  setupSteps,
  UP_SCRIPT,
  type MachineFacts,
  type OsRelease,
} from '../onboarding/bundledCluster';
import { runStep } from '../onboarding/runStep';
import type { Services } from '../vscode/services';
import { showActionError } from '../vscode/errors';

export interface SetupBundledClusterOptions {
  /** The repository clone to use (default: the first workspace folder that holds its scripts). */
  repoRoot?: string;
  /** false: no confirmation dialog (scripted use, tests). */
  confirm?: boolean;
}

export type SetupOutcome = { ok: true; profileName: string; action: 'added' | 'updated' | 'unchanged'; via: 'compose' | 'native' } | { ok: false; error: string };

const STEP_TIMEOUT_MS = 20 * 60_000;

function succeeds(file: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 15_000 }, (err) => resolve(!err));
  });
}

async function machineFacts(options: SetupBundledClusterOptions): Promise<MachineFacts> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const candidates = options.repoRoot ? [options.repoRoot] : folders;
  const repoRoot = candidates.find((dir) => existsSync(path.join(dir, UP_SCRIPT)));
  let os: OsRelease | undefined;
  try {
    os = parseOsRelease(await fs.readFile('/etc/os-release', 'utf8'));
  } catch {
    os = undefined;
  }
  // The CLI alone is not enough (it may exist without an engine): `docker info` must reach one.
  const dockerCompose = (await succeeds('docker', ['info', '--format', '{{.ServerVersion}}'])) && (await succeeds('docker', ['compose', 'version']));
  return { dockerCompose, isRoot: process.getuid?.() === 0, os, repoRoot };
}

export function setupBundledClusterCommand(services: Services) {
  return async (arg?: unknown): Promise<SetupOutcome> => {
    const options: SetupBundledClusterOptions = typeof arg === 'object' && arg !== null ? (arg as SetupBundledClusterOptions) : {};
    try {
      const plan = planSetup(await machineFacts(options));
      if (plan.kind === 'unavailable') throw new UserFacingError(plan.message, plan.hint);
      if (options.confirm !== false) {
        const detail =
          plan.kind === 'compose'
            ? `docker compose starts the cluster's containers (MariaDB, slurmdbd, slurmctld, 4 compute nodes, a login node with sshd on 127.0.0.1) from ${plan.repoRoot}.`
            : `${UP_SCRIPT} installs Debian's Slurm, MariaDB, munge and OpenSSH packages if missing and starts their daemons on this machine (listening on 127.0.0.1 only). State is kept in /var/lib/slurm-workbench; stop it with npm run cluster:down.`;
        const go = plan.kind === 'compose' ? 'Start Containers' : 'Start Cluster';
        const answer = await vscode.window.showInformationMessage('Start the bundled Slurm cluster?', { modal: true, detail }, go);
        if (answer !== go) return { ok: false, error: 'not confirmed' };
      }
      services.channel.show(true);
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Bundled Slurm cluster', cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          for (const step of setupSteps(plan)) {
            progress.report({ message: `${step.label}…` });
            logger.info(`[setup] ${step.label}: ${step.argv.join(' ')} (in ${step.cwd})`);
            await runStep(step, { timeoutMs: STEP_TIMEOUT_MS, signal: abort.signal, onLine: (line) => logger.info(`[setup] ${line}`) });
          }
        },
      );
      const bedFile = path.join(plan.repoRoot, BED_FILE);
      const bed = parseBundledBed(await fs.readFile(bedFile, 'utf8'), bedFile);
      const merged = mergeBundledProfile(services.configuration.inspect('profiles').globalValue, profileFromBed(bed));
      if (merged.action !== 'unchanged') await services.configuration.update('profiles', merged.profiles, 'global');
      logger.info(`[setup] profile "${merged.name}" ${merged.action} (${bed.user}@${bed.sshHost}:${bed.sshPort})`);
      void vscode.window
        .showInformationMessage(`The bundled Slurm cluster is up: profile "${merged.name}" (${bed.user}@${bed.sshHost}:${bed.sshPort}) ${merged.action === 'unchanged' ? 'is ready' : merged.action}.`, 'Show Jobs')
        .then((a) => {
          if (a) void vscode.commands.executeCommand('slurm.jobs.focus');
        });
      return { ok: true, profileName: merged.name, action: merged.action, via: plan.kind };
    } catch (err) {
      if (err instanceof CancelledError) return { ok: false, error: err.message };
      showActionError('Setting up the bundled cluster', err);
      return { ok: false, error: errorMessage(err) };
    }
  };
}
