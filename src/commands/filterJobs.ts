/** slurm.filterJobs / slurm.clearFilter: filter the Jobs view by text and state group. */
import * as vscode from 'vscode';
import type { StateGroup } from '../session/jobPresentation';
import type { Services } from '../vscode/services';

const STATE_PREFIX = /(?:^|\s)state:(running|pending|finished)\b/g;

export function filterJobsCommand(services: Services) {
  return async (text?: unknown): Promise<void> => {
    const current = services.jobsTree.activeFilter;
    const value =
      typeof text === 'string'
        ? text
        : await vscode.window.showInputBox({
            title: 'Filter Slurm Jobs',
            prompt: 'Words to match in id, name, partition, state, reason or nodes; add state:running, state:pending or state:finished to keep only those.',
            value: [current.text ?? '', ...(current.groups ?? []).map((g) => `state:${g}`)].join(' ').trim(),
          });
    if (value === undefined) return;
    const groups = [...value.matchAll(STATE_PREFIX)].map((m) => m[1] as StateGroup);
    const words = value.replace(STATE_PREFIX, ' ').trim();
    services.jobsTree.setFilter({ text: words || undefined, groups: groups.length ? groups : undefined });
    updateFilterUi(services);
  };
}

export function clearFilterCommand(services: Services) {
  return (): void => {
    services.jobsTree.setFilter({});
    updateFilterUi(services);
  };
}

function updateFilterUi(services: Services): void {
  const f = services.jobsTree.activeFilter;
  const active = Boolean(f.text || f.groups?.length);
  services.jobsView.description = active ? `filter: ${[f.text, ...(f.groups ?? []).map((g) => `state:${g}`)].filter(Boolean).join(' ')}` : undefined;
  void vscode.commands.executeCommand('setContext', 'slurm.jobsFiltered', active);
}
