/**
 * slurm.showJobHistory: the user's finished jobs on one cluster over a window they choose (last
 * 24 hours / 7 days / 30 days, or since a date), with an efficiency column; filter, sort and CSV
 * export in the panel (src/vscode/historyPanel.ts). Two sacct calls whatever the window holds
 * (src/slurm/historyCall.ts). Arguments for scripted use and tests: a cluster name (or a tree
 * node with a session) and `{ window }`; returns the rows shown, or undefined when nothing was.
 */
import * as vscode from 'vscode';
import { historyRows, type HistoryRow } from '../session/historyTable';
import { clusterContext } from '../session/slurmJobLister';
import { describeWindow, HISTORY_DAY_WINDOWS, loadHistory, parseHistoryWindow, type HistoryWindow } from '../slurm/historyCall';
import { showActionError } from '../vscode/errors';
import { HistoryPanel } from '../vscode/historyPanel';
import type { Services } from '../vscode/services';
import { pickSession } from './pickSession';

/** A window of 13,000 jobs took 2 s (listing) and 7 s (usage with steps) on the 22.05 bed: allow more than one plain call. */
const MIN_HISTORY_TIMEOUT_MS = 120_000;


async function pickWindow(): Promise<HistoryWindow | undefined> {
  const items: (vscode.QuickPickItem & { window?: HistoryWindow })[] = [
    ...HISTORY_DAY_WINDOWS.map((days) => {
      const window: HistoryWindow = { kind: 'days', days };
      const label = describeWindow(window);
      return { label: label.charAt(0).toUpperCase() + label.slice(1), window };
    }),
    { label: 'Since a date…', description: 'YYYY-MM-DD, in the cluster\'s time zone' },
  ];
  const chosen = await vscode.window.showQuickPick(items, { title: 'Job History: which window?' });
  if (!chosen) return undefined;
  if (chosen.window) return chosen.window;
  const weekAgo = new Date(Date.now() - 7 * 86400_000).toISOString().slice(0, 10);
  const date = await vscode.window.showInputBox({
    title: 'Job History: finished since',
    prompt: 'First day of the window (YYYY-MM-DD)',
    value: weekAgo,
    validateInput: (text) => {
      const parsed = parseHistoryWindow({ kind: 'since', date: text.trim() });
      if (!parsed.ok) return `Not a date: ${parsed.problem}.`;
      // sacct refuses a start after now ("Start time ... requested is after end time"); say it here.
      const tomorrow = new Date(Date.now() + 86400_000).toISOString().slice(0, 10);
      return text.trim() > tomorrow ? 'That day has not come yet: choose a day in the past.' : undefined;
    },
  });
  if (date === undefined) return undefined;
  const parsed = parseHistoryWindow({ kind: 'since', date: date.trim() });
  return parsed.ok ? parsed.window : undefined;
}

export function showJobHistoryCommand(services: Services) {
  return async (arg?: unknown, options?: { window?: unknown }): Promise<HistoryRow[] | undefined> => {
    const session = await pickSession(services, arg, 'Job History: which cluster?');
    if (!session) {
      if (services.registry.all().length === 0) void vscode.window.showInformationMessage('Job History: no cluster is configured. Add a cluster profile first.');
      return undefined;
    }
    let window: HistoryWindow | undefined;
    if (options?.window !== undefined) {
      const parsed = parseHistoryWindow(options.window);
      if (!parsed.ok) {
        void vscode.window.showErrorMessage(`Job History: not a window: ${parsed.problem}.`);
        return undefined;
      }
      window = parsed.window;
    } else window = await pickWindow();
    if (!window) return undefined;
    const label = describeWindow(window);
    const timeoutMs = Math.max(services.commandTimeoutMs(), MIN_HISTORY_TIMEOUT_MS);
    try {
      const answer = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Reading the job history of ${session.profileName} (${label})…`, cancellable: true },
        async (_progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            const ctx = await clusterContext(session.transport, { signal: abort.signal, timeoutMs });
            return await loadHistory(session.transport, ctx, window, { signal: abort.signal, timeoutMs });
          } finally {
            sub.dispose();
          }
        },
      );
      if (!answer.available) {
        void vscode.window.showWarningMessage(`No job history for ${session.profileName}: ${answer.notice}`);
        return undefined;
      }
      const rows = historyRows(answer.jobs, answer.usage);
      // The panel lives until the user closes it (VS Code disposes webviews on deactivation).
      new HistoryPanel(services.context.extensionUri, { cluster: session.profileName, windowLabel: label, rows });
      return rows;
    } catch (err) {
      showActionError(`Reading the job history of ${session.profileName} (${label})`, err);
      return undefined;
    }
  };
}
