/**
 * Which job (and which array tasks) a log command is about: from a Jobs-view node, from an
 * argument `{ profileName, jobId }` (other features, e.g. after submit), or from a quick pick over
 * the sessions' last snapshots.
 */
import * as vscode from 'vscode';
import type { ResolvedTarget } from '../logs/logTargets';
import type { JobRow } from '../session/jobRow';
import type { SessionRegistry } from '../session/sessionRegistry';

export interface JobRef {
  profileName: string;
  jobId: string;
  /** The Jobs view's row, when known (carries resolved log paths). */
  row?: JobRow;
  /** An array (all its tasks) rather than one job or task. */
  isArray: boolean;
}

/** Duck-typed: Jobs-view nodes are `{ kind: 'job', cluster, job }` and `{ kind: 'array', cluster, entry: { arrayJobId } }`. */
export function jobRefFromArg(arg: unknown): JobRef | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as { kind?: unknown; cluster?: unknown; job?: JobRow; entry?: { arrayJobId?: unknown }; profileName?: unknown; jobId?: unknown };
  if (a.kind === 'job' && typeof a.cluster === 'string' && a.job && typeof a.job.id === 'string') {
    const isGroup = a.job.id.includes('[');
    return { profileName: a.cluster, jobId: isGroup ? (a.job.arrayJobId ?? a.job.id) : a.job.id, row: isGroup ? undefined : a.job, isArray: isGroup };
  }
  if (a.kind === 'array' && typeof a.cluster === 'string' && typeof a.entry?.arrayJobId === 'string') {
    return { profileName: a.cluster, jobId: a.entry.arrayJobId, isArray: true };
  }
  if (typeof a.profileName === 'string' && typeof a.jobId === 'string') {
    return { profileName: a.profileName, jobId: a.jobId, isArray: false };
  }
  return undefined;
}

interface JobPick extends vscode.QuickPickItem {
  ref: JobRef;
}

export async function pickJob(registry: SessionRegistry, title: string): Promise<JobRef | undefined> {
  const items: JobPick[] = [];
  const multi = registry.all().length > 1;
  for (const session of registry.all()) {
    const arrays = new Set<string>();
    for (const row of session.snapshot.jobs) {
      if (row.arrayJobId && !arrays.has(row.arrayJobId)) {
        arrays.add(row.arrayJobId);
        items.push({
          label: `$(list-tree) ${row.arrayJobId}`,
          description: `${row.name} · array: pick a task or all${multi ? ` · ${session.profileName}` : ''}`,
          ref: { profileName: session.profileName, jobId: row.arrayJobId, isArray: true },
        });
      }
      if (row.id.includes('[')) continue; // the array item above covers pending remainders
      items.push({
        label: row.id,
        description: `${row.name} · ${row.state}${multi ? ` · ${session.profileName}` : ''}`,
        ref: { profileName: session.profileName, jobId: row.id, row, isArray: false },
      });
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No jobs to choose from: the Jobs view has not listed any yet. Open the Slurm view or refresh it first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Job id or name', matchOnDescription: true });
  return picked?.ref;
}

interface TaskPick extends vscode.QuickPickItem {
  targets: ResolvedTarget[];
}

/** For an array: all tasks, or one. `allowAll` false for commands that open one file. */
export async function pickTasks(arrayJobId: string, targets: ResolvedTarget[], allowAll: boolean): Promise<ResolvedTarget[] | undefined> {
  if (targets.length <= 1) return targets;
  const items: TaskPick[] = [
    ...(allowAll ? [{ label: `$(list-flat) All ${targets.length} tasks of ${arrayJobId}`, targets }] : []),
    ...targets.map((t) => ({ label: t.jobId, description: `${t.state} · ${t.stdoutPath}`, targets: [t] })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `Array job ${arrayJobId}`, placeHolder: allowAll ? 'Follow all tasks, or one' : 'Which task?' });
  return picked?.targets;
}
