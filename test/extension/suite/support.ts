// Shared by the in-VS Code tests: where the test bed's description is, and a bounded wait.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readBed, type Bed } from '../../integration/bed';
import type { SlurmWorkbenchApi } from '../../../src/api';

/** `.bed/cluster.json` of this clone (out/test/extension/suite/index.js is four levels below the root). */
export const bedFile = path.resolve(__dirname, '../../../../.bed/cluster.json');

/** Polls `probe` until it returns a value (errors count as "not yet"); fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * Activates the extension with one profile, `bundled`, for the bundled cluster (key login) and
 * returns the bed and the extension's API. Replaces any profiles a previous suite left.
 * `profileExtras` adds settings to that profile (e.g. its own `remoteRoot`).
 */
export async function activateWithBundledProfile(profileExtras: Record<string, unknown> = {}): Promise<{ bed: Bed; api: SlurmWorkbenchApi }> {
  const bed = readBed(bedFile);
  const ext = vscode.extensions.getExtension<SlurmWorkbenchApi>('slurm-workbench.slurm-workbench');
  if (!ext) throw new Error('the extension slurm-workbench.slurm-workbench is not installed');
  const api = await ext.activate();
  await vscode.workspace.getConfiguration('slurm').update(
    'profiles',
    [{ name: 'bundled', kind: 'ssh', host: bed.sshHost, port: bed.sshPort, user: bed.user, auth: 'key', identityFile: bed.identityFile, knownHostsFile: bed.knownHostsFile, ...profileExtras }],
    vscode.ConfigurationTarget.Global,
  );
  return { bed, api };
}
