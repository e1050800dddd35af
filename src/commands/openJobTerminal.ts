/**
 * "Open Terminal in Job" (issue 19 point 2; a running job or array task's menu, palette), with a node
 * pick for a multi-node job. The checks and the srun command live in src/terminal; this file only
 * asks and opens.
 */
import * as vscode from 'vscode';
import { stateLook } from '../session/jobPresentation';
import { clusterContext } from '../session/slurmJobLister';
import { jobTerminalArgv, planJobTerminal } from '../terminal/jobTerminal';
import type { ClusterTerminals } from '../vscode/clusterTerminal';
import { showActionError } from '../vscode/errors';
import type { Services } from '../vscode/services';
import { resolveJobTargets } from './jobTargets';

/** `node`: skip the pick (scripted use and tests). */
export function openJobTerminalCommand(services: Services, terminals: ClusterTerminals) {
  return async (clicked?: unknown, _selected?: unknown, options?: { node?: string }): Promise<vscode.Terminal | undefined> => {
    const [target] = await resolveJobTargets(services.registry, clicked, undefined, { title: 'Open Terminal in Job', accept: (j) => stateLook(j.state).group === 'running' });
    if (!target) return undefined;
    const { session } = target;
    const id = target.ids[0];
    if (!id) return undefined;
    const timeoutMs = services.commandTimeoutMs();
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
