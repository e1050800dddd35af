import type { SessionRegistry } from '../session/sessionRegistry';
import { showActionError } from '../vscode/errors';
import type { LogsController } from '../vscode/logFeature';
import { jobRefFromArg, pickJob } from '../vscode/logJobPicker';

/** Slurm: Follow Log — from a Jobs-view job/array, `{ profileName, jobId }`, or a job picker. */
export function followLogCommand(logs: LogsController, registry: SessionRegistry) {
  return async (arg?: unknown): Promise<void> => {
    const ref = jobRefFromArg(arg) ?? (await pickJob(registry, 'Follow the log of which job?'));
    if (!ref) return;
    try {
      const targets = await logs.targetsOf(ref, true);
      if (targets && targets.length > 0) logs.follow(targets);
    } catch (err) {
      showActionError(`Following the log of job ${ref.jobId}`, err);
    }
  };
}
