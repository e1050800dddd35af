/**
 * Terminals (issue 19 points 1 and 2): "Open Terminal on Login Node" (cluster item, palette) and
 * "Open Terminal in Job" (a running job or array task's menu, palette), with a node pick for a
 * multi-node job. The checks and the srun command live in src/terminal; this file only asks and opens.
 */
import * as vscode from 'vscode';
import type { ClusterSession } from '../session/clusterSession';
import { stateLook } from '../session/jobPresentation';
import { clusterContext } from '../session/slurmJobLister';
import { jobTerminalArgv, planJobTerminal } from '../terminal/jobTerminal';
import { ClusterTerminals } from '../vscode/clusterTerminal';
import { showActionError } from '../vscode/errors';
import type { Services } from '../vscode/services';
import { resolveJobTargets } from './jobTargets';
import { registerInteractiveSessions } from './startInteractiveSession';

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

/** `node`: skip the pick (scripted use and tests). */
export function openJobTerminalCommand(services: Services, terminals: ClusterTerminals) {
  return async (clicked?: unknown, _selected?: unknown, options?: { node?: string }): Promise<vscode.Terminal | undefined> => {
    const [target] = await resolveJobTargets(services.registry, clicked, undefined, { title: 'Open Terminal in Job', accept: (j) => stateLook(j.state).group === 'running' });
    if (!target) return undefined;
    const { session } = target;
    const id = target.ids[0];
    if (!id) return undefined;
    const timeoutMs = services.settings().commandTimeoutSeconds * 1000;
    try {
      const plan = await vscode.window.withProgress({ location: { viewId: 'slurm.jobs' } }, async () => {
        const ctx = await clusterContext(session.transport, { timeoutMs });
        return planJobTerminal(session.transport, ctx.version, id, { timeoutMs });
      });
      let node = options?.node;
      if (node === undefined && plan.place.nodes.length > 1) {
        node = await vscode.window.showQuickPick(plan.place.nodes, { title: `Open Terminal in Job ${id}: which node?`, placeHolder: `Job ${id} runs on ${plan.place.nodes.length} nodes` });
        if (!node) return undefined;
      }
      const argv = jobTerminalArgv(plan, node);
      const where = node ?? plan.place.nodes[0] ?? '';
      return terminals.create({
        name: `${session.profileName}: job ${id}${where ? ` (${where})` : ''}`,
        what: `the shell in job ${id}`,
        open: (size, handlers) => session.transport.openPty(argv, size, handlers, { timeoutMs }),
      });
    } catch (err) {
      showActionError(`Opening a terminal in job ${id}`, err);
      return undefined;
    }
  };
}

/** The feature: registers both commands, and the interactive sessions' (their shells are job terminals too); returns the terminals for the test API. */
export function registerTerminals(services: Services): ClusterTerminals {
  const terminals = new ClusterTerminals();
  services.context.subscriptions.push(
    vscode.commands.registerCommand('slurm.openLoginTerminal', openLoginTerminalCommand(services, terminals)),
    vscode.commands.registerCommand('slurm.openJobTerminal', openJobTerminalCommand(services, terminals)),
  );
  registerInteractiveSessions(services, terminals);
  return terminals;
}
