import * as vscode from 'vscode';
import type { LogsController } from '../vscode/logFeature';
import { jobRefFromArg } from '../vscode/logJobPicker';

/** Slurm: Stop Following Log — ends the remote `tail` of a followed job (or all of them); from the tree, the palette or the Output panel's title bar. */
export function stopFollowingCommand(logs: LogsController) {
  return async (arg?: unknown): Promise<void> => {
    const ref = jobRefFromArg(arg);
    if (ref) {
      const followed = logs.registry.all().filter((f) => f.target.profileName === ref.profileName && (f.target.jobId === ref.jobId || f.target.jobId.startsWith(`${ref.jobId}_`)));
      if (followed.length === 0) void vscode.window.showInformationMessage(`The log of job ${ref.jobId} is not being followed.`);
      await Promise.all(followed.map((f) => f.stop()));
      return;
    }
    const all = logs.registry.all();
    if (all.length === 0) {
      void vscode.window.showInformationMessage('No job log is being followed.');
      return;
    }
    // Also the Output panel's stop button (shown on a job's channel; VS Code tells extensions neither
    // which channel is active nor when one is closed): with one follow there is nothing to ask.
    if (all.length === 1) {
      await all[0].stop();
      return;
    }
    const items = [
      { label: `$(close-all) All ${all.length} followed logs`, followers: all },
      ...all.map((f) => ({ label: f.target.jobId, description: `${f.target.jobName} · ${f.state} · ${f.target.profileName}`, followers: [f] })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Stop following which log?' });
    if (picked) await Promise.all(picked.followers.map((f) => f.stop()));
  };
}
