/**
 * Which cluster a command is about: the item it was invoked on (a cluster item or its name), else the
 * only cluster, else the user's pick. One picker for every command that acts on a whole cluster.
 */
import * as vscode from 'vscode';
import type { ClusterSession } from '../session/clusterSession';
import type { Services } from '../vscode/services';

export async function pickSession(services: Services, arg: unknown, title: string): Promise<ClusterSession | undefined> {
  const name = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && 'session' in arg ? (arg as { session: ClusterSession }).session.profileName : undefined;
  if (name) return services.registry.get(name);
  const sessions = services.registry.all();
  if (sessions.length <= 1) return sessions[0];
  const pick = await vscode.window.showQuickPick(
    sessions.map((s) => ({ label: s.profileName, description: `${s.transport.label} · ${s.snapshot.connection.kind}`, s })),
    { title },
  );
  return pick?.s;
}
