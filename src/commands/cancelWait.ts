import * as vscode from 'vscode';
import { describeCondition } from '../resources/watch';
import type { WatchRegistry } from '../resources/watchRegistry';

/** slurm.resources.cancelWait: from the watch's × in the Resources view, or pick one. */
export function cancelWaitCommand(watches: WatchRegistry) {
  return async (arg?: unknown): Promise<boolean> => {
    let id = typeof arg === 'object' && arg !== null ? (arg as { watchId?: unknown }).watchId : typeof arg === 'string' ? arg : undefined;
    if (typeof id !== 'string') {
      const all = watches.all();
      if (all.length === 0) {
        void vscode.window.showInformationMessage('No resource watch is pending.');
        return false;
      }
      const pick = await vscode.window.showQuickPick(
        all.map((w) => ({ label: describeCondition(w.condition), description: w.condition.cluster, detail: w.last?.detail, id: w.id })),
        { title: 'Cancel a resource watch', placeHolder: 'Which watch?' },
      );
      id = pick?.id;
    }
    if (typeof id !== 'string') return false;
    const condition = watches.get(id)?.condition;
    const cancelled = watches.cancel(id);
    if (cancelled && condition) void vscode.window.setStatusBarMessage(`Stopped waiting for ${describeCondition(condition)}`, 4000);
    return cancelled;
  };
}
