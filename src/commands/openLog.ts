import type { SessionRegistry } from '../session/sessionRegistry';
import { showActionError } from '../vscode/errors';
import type { LogsController } from '../vscode/logFeature';
import { jobRefFromArg, pickJob } from '../vscode/logJobPicker';

/** Slurm: Open Stdout / Open Stderr — the log in a read-only editor (a big file at its tail). */
export function openLogCommand(logs: LogsController, registry: SessionRegistry, stream: 'stdout' | 'stderr') {
  return async (arg?: unknown): Promise<void> => {
    const ref = jobRefFromArg(arg) ?? (await pickJob(registry, `Open the ${stream} of which job?`));
    if (!ref) return;
    try {
      const [target] = (await logs.targetsOf(ref, false)) ?? [];
      if (target) await logs.openLog(target, stream);
    } catch (err) {
      showActionError(`Opening the ${stream} of job ${ref.jobId}`, err);
    }
  };
}
