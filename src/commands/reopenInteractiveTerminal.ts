/**
 * "Reopen Interactive Terminal" (a running interactive session's item): a new shell in the
 * session's job, in one of the window's cluster terminals.
 */
import * as vscode from 'vscode';
import { isInteractiveJob } from '../interactive/interactiveJob';
import { stateLook } from '../session/jobPresentation';
import { showActionError } from '../vscode/errors';
import type { InteractiveTerminals, OnTerminalClose } from '../vscode/interactiveTerminals';
import type { Services } from '../vscode/services';
import { resolveJobTargets } from './jobTargets';

export function reopenInteractiveTerminalCommand(services: Services, sessions: InteractiveTerminals) {
  return async (clicked?: unknown, _selected?: unknown, options: { onTerminalClose?: OnTerminalClose } = {}): Promise<vscode.Terminal | undefined> => {
    const [target] = await resolveJobTargets(services.registry, clicked, undefined, { title: 'Reopen Interactive Terminal', accept: (j) => isInteractiveJob(j) && stateLook(j.state).group === 'running' });
    const id = target?.ids[0];
    if (!target || id === undefined) return undefined;
    try {
      return await vscode.window.withProgress({ location: { viewId: 'slurm.jobs' } }, () => sessions.openTerminal(target.session, id, options.onTerminalClose ?? 'ask'));
    } catch (err) {
      showActionError(`Reopening the terminal of interactive session ${id}`, err);
      return undefined;
    }
  };
}
