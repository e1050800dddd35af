/**
 * slurm.openJobFolder — "Open Job Folder": adds a job's work dir (squeue/sacct WorkDir) to the
 * Explorer as `slurm://<profile>/<dir>` (a folder already there is revealed instead). For an ssh
 * profile, where Microsoft's Remote-SSH is installed, the message also offers "Open in Remote-SSH".
 * Returns the folder's Uri (tests), or undefined when nothing was opened.
 */
import * as vscode from 'vscode';
import { parseProfiles } from '../config/profile';
import { REMOTE_SSH_EXTENSION, remoteSshFolder } from '../remoteFs/remoteSsh';
import { uriPartsOf } from '../remoteFs/slurmUri';
import { readProfilesSetting } from '../vscode/configuration';
import type { Services } from '../vscode/services';
import { resolveJobTargets } from './jobTargets';

export interface OpenJobFolderOptions {
  /** false: no message with "Open in Remote-SSH" (tests). */
  offerRemoteSsh?: boolean;
  /**
   * false: only return the folder's Uri (scripted use, tests). Adding a second folder to a
   * single-folder window turns it into an untitled workspace, which a browser window (code-server)
   * completes by reloading — a test suite must not do that to its own window.
   */
  addToWorkspace?: boolean;
}

export function openJobFolderCommand(services: Services) {
  return async (clicked?: unknown, _selected?: unknown, options: OpenJobFolderOptions = {}): Promise<vscode.Uri | undefined> => {
    const [target] = await resolveJobTargets(services.registry, clicked, undefined, { title: 'Open Job Folder', accept: (j) => !!j.workDir });
    if (!target) return undefined;
    const { session } = target;
    const id = target.ids[0];
    const row = target.rows.find((r) => r.workDir) ?? session.snapshot.jobs.find((j) => (j.id === id || j.actionId === id) && j.workDir);
    if (!row?.workDir) {
      void vscode.window.showWarningMessage(`Job ${id ?? ''} has no known work folder yet; refresh the Jobs view and try again.`);
      return undefined;
    }
    const workDir = row.workDir;
    const uri = vscode.Uri.from(uriPartsOf({ profile: session.profileName, remotePath: workDir }));
    const folders = vscode.workspace.workspaceFolders ?? [];
    const existing = folders.find((f) => f.uri.toString() === uri.toString());
    if (options.addToWorkspace === false) {
      // Nothing to add: the caller opens files under the Uri itself.
    } else if (existing) {
      await vscode.commands.executeCommand('revealInExplorer', existing.uri);
    } else {
      // What tells two job roots apart first (the side bar cuts a root's name at its width): id and
      // job name, then the cluster. The folder's path is in the root's tooltip.
      const name = [`job ${row.id}`, row.name, `· ${session.profileName}`].filter(Boolean).join(' ');
      // Appended, never first: changing the first folder restarts the extension host.
      const added = new Promise<void>((resolve) => {
        const sub = vscode.workspace.onDidChangeWorkspaceFolders((e) => {
          if (e.added.some((f) => f.uri.toString() === uri.toString())) {
            sub.dispose();
            resolve();
          }
        });
        setTimeout(() => {
          sub.dispose();
          resolve();
        }, 10_000).unref?.();
      });
      if (!vscode.workspace.updateWorkspaceFolders(folders.length, 0, { uri, name })) {
        void vscode.window.showErrorMessage(`Could not add ${uri.toString(true)} to the workspace.`);
        return undefined;
      }
      await added;
    }
    if (options.offerRemoteSsh !== false) offerRemoteSsh(session.profileName, workDir);
    return uri;
  };
}

/** "Open in Remote-SSH", for an ssh profile with an absolute work dir, where Remote-SSH is installed. */
function offerRemoteSsh(profileName: string, workDir: string): void {
  if (!vscode.extensions.getExtension(REMOTE_SSH_EXTENSION)) return;
  const profile = parseProfiles(readProfilesSetting().raw).profiles.find((p) => p.name === profileName);
  if (profile?.kind !== 'ssh' || !profile.host) return;
  const folder = remoteSshFolder({ host: profile.host, user: profile.user, port: profile.port }, workDir);
  if (!folder) return;
  void vscode.window.showInformationMessage(`${workDir} on ${profileName} is in the Explorer.`, 'Open in Remote-SSH').then((choice) => {
    if (choice) void vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.from(folder), { forceNewWindow: true });
  });
}
