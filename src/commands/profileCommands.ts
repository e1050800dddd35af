/**
 * Profile commands on a cluster (tree item or picker): Test Connection, Connect, Disconnect,
 * Edit (opens the setting) and Remove (from user settings, after a confirmation).
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { testConnection } from '../session/connectionTest';
import type { Services } from '../vscode/services';
import type { SettingScope } from '../vscode/configuration';
import { showActionError } from '../vscode/errors';
import { pickSession } from './pickSession';


export function testConnectionCommand(services: Services) {
  return async (arg?: unknown): Promise<string | undefined> => {
    const session = await pickSession(services, arg, 'Test Connection');
    if (!session) return undefined;
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Testing ${session.profileName} (${session.transport.label})…`, cancellable: true },
        (_p, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return testConnection(session.transport, { timeoutMs: services.commandTimeoutMs(), signal: abort.signal });
        },
      );
      const text = `${session.profileName}: Slurm ${report.slurmVersion}, user ${report.user}${report.clusterName ? `, cluster "${report.clusterName}"` : ''} — ${report.latencyMs.toFixed(0)} ms per command (first answer after ${report.firstAnswerMs.toFixed(0)} ms).`;
      void vscode.window.showInformationMessage(text);
      return text;
    } catch (err) {
      showActionError(`Testing the connection to ${session.profileName}`, err);
      return undefined;
    }
  };
}

export function connectCommand(services: Services, connect: boolean) {
  return async (arg?: unknown): Promise<void> => {
    const session = await pickSession(services, arg, connect ? 'Connect' : 'Disconnect');
    if (!session) return;
    try {
      if (connect) await session.connect();
      else await session.disconnect();
    } catch (err) {
      showActionError(`${connect ? 'Connecting to' : 'Disconnecting from'} ${session.profileName}`, err);
    }
  };
}

export function editProfileCommand() {
  return async (): Promise<void> => {
    await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'slurm.profiles' } });
  };
}

export function removeProfileCommand(services: Services) {
  return async (arg?: unknown, options?: { confirm?: boolean }): Promise<boolean> => {
    const session = await pickSession(services, arg, 'Remove Cluster Profile');
    if (!session) return false;
    const name = session.profileName;
    if (options?.confirm !== false) {
      const answer = await vscode.window.showWarningMessage(`Remove the Slurm profile "${name}"?`, { modal: true, detail: 'Its jobs keep running on the cluster; only the profile is removed from your settings.' }, 'Remove');
      if (answer !== 'Remove') return false;
    }
    const inspect = services.configuration.inspect<unknown[]>('profiles');
    const targets: [unknown[] | undefined, SettingScope][] = [
      [inspect.globalValue, 'global'],
      [inspect.workspaceValue, 'workspace'],
    ];
    try {
      let removed = false;
      for (const [list, target] of targets) {
        if (!Array.isArray(list)) continue;
        const kept = list.filter((p) => (p as { name?: unknown })?.name !== name);
        if (kept.length !== list.length) {
          await services.configuration.update('profiles', kept, target);
          removed = true;
        }
      }
      if (!removed) void vscode.window.showWarningMessage(`The profile "${name}" is not in your user or workspace settings; remove it where it is defined.`);
      return removed;
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not remove the profile "${name}": ${errorMessage(err)}`);
      return false;
    }
  };
}
