/**
 * "Open Terminal on Login Node" (issue 19 point 1; cluster item, palette): a shell on the login node
 * of the clicked (or picked) cluster, in one of the window's cluster terminals.
 */
import * as vscode from 'vscode';
import type { ClusterSession } from '../session/clusterSession';
import type { ClusterTerminals } from '../vscode/clusterTerminal';
import type { Services } from '../vscode/services';

async function pickSession(services: Services, arg: unknown): Promise<ClusterSession | undefined> {
  const name = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && 'session' in arg ? (arg as { session: ClusterSession }).session.profileName : undefined;
  if (name) return services.registry.get(name);
  const sessions = services.registry.all();
  if (sessions.length <= 1) return sessions[0];
  const pick = await vscode.window.showQuickPick(sessions.map((s) => ({ label: s.profileName, description: s.transport.label, s })), { title: 'Open Terminal on Login Node' });
  return pick?.s;
}

export function openLoginTerminalCommand(services: Services, terminals: ClusterTerminals) {
  return async (arg?: unknown): Promise<vscode.Terminal | undefined> => {
    const session = await pickSession(services, arg);
    if (!session) return undefined;
    const timeoutMs = services.settings().commandTimeoutSeconds * 1000;
    return terminals.create({
      name: `${session.profileName}: login`,
      what: `the login shell on ${session.profileName}`,
      open: (size, handlers) => session.transport.openPty(undefined, size, handlers, { timeoutMs }),
    });
  };
}
