/** slurm.submitAfter: submit the current script with `--dependency=afterok:<job>`, the job picked in the Jobs view or from a list. */
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import type { Services } from '../vscode/services';
import { optionsFromArgs, reportSubmitError, type SubmitCommandOptions } from './submitFlow';
import { submitWith, type SubmitOutcome } from './submitScript';

/** A job from a Jobs-view node ({ cluster, job: { id } }) or { cluster, jobId }. */
function jobFromArg(arg: unknown): { cluster: string; jobId: string } | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as { cluster?: unknown; job?: { id?: unknown; arrayJobId?: unknown }; jobId?: unknown };
  if (typeof a.cluster !== 'string') return undefined;
  const id = typeof a.jobId === 'string' || typeof a.jobId === 'number' ? String(a.jobId) : typeof a.job?.id === 'string' ? a.job.id : undefined;
  if (!id) return undefined;
  // An array's group node ("12_[1-5]") depends on the whole array.
  return { cluster: a.cluster, jobId: id.includes('_') ? id.split('_')[0] : id };
}

async function pickJob(services: Services): Promise<{ cluster: string; jobId: string }> {
  const items = services.registry.all().flatMap((s) => s.snapshot.jobs.map((j) => ({
    label: `${j.id}  ${j.name}`,
    description: `${s.profileName} · ${j.state}`,
    cluster: s.profileName,
    jobId: j.arrayJobId ?? j.id,
  })));
  if (items.length === 0) throw new CancelledError('Submit after');
  const picked = await vscode.window.showQuickPick(items, { title: 'Submit after which job finishes successfully?', matchOnDescription: true, ignoreFocusOut: true });
  if (!picked) throw new CancelledError('Submit after');
  return picked;
}

export function submitAfterCommand(services: Services) {
  return async (arg?: unknown, extra?: unknown): Promise<SubmitOutcome> => {
    try {
      // From the Jobs view: (jobNode); from a script: ({ after: { cluster, jobId }, ...options }).
      const scripted = typeof arg === 'object' && arg !== null && 'after' in arg ? (arg as SubmitCommandOptions & { after: unknown }) : undefined;
      const target = jobFromArg(scripted ? scripted.after : arg) ?? (await pickJob(services));
      const options: SubmitCommandOptions = { ...(scripted ?? optionsFromArgs(extra)), profile: target.cluster, dependency: `afterok:${target.jobId}` };
      return await submitWith(services, options);
    } catch (err) {
      return reportSubmitError('Submitting after a job', err);
    }
  };
}
