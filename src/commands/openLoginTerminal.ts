/**
 * "Open Terminal on Login Node" (issue 19 point 1; cluster item, palette): a shell on the login node
 * of the clicked (or picked) cluster, in one of the window's cluster terminals.
 */
import * as vscode from 'vscode';
import type { ClusterTerminals } from '../vscode/clusterTerminal';
import type { Services } from '../vscode/services';
import { pickSession } from './pickSession';

export function openLoginTerminalCommand(services: Services, terminals: ClusterTerminals) {
  return async (arg?: unknown): Promise<vscode.Terminal | undefined> => {
    const session = await pickSession(services, arg, 'Open Terminal on Login Node');
    if (!session) return undefined;
    const timeoutMs = services.commandTimeoutMs();
    return terminals.create({
      name: `${session.profileName}: login`,
      what: `the login shell on ${session.profileName}`,
      open: (size, handlers) => session.transport.openPty(undefined, size, handlers, { timeoutMs }),
    });
  };
}
