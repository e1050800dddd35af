/**
 * Runs a workflow on a cluster, all or nothing: the step files go into a fresh run folder
 * (`<remoteRoot>/workflows/<workflow>.<run>`), every step is submitted held in topological order
 * with `--dependency` on the job ids already in, and only when every sbatch has answered are they
 * released together. If one sbatch fails (or the user cancels), the jobs already submitted are
 * cancelled before any of them could start, the new folder is removed, and the error says which
 * step failed and what sbatch said. Retry Failed and Cancel Run work on a run's record.
 * VS Code-free.
 */
import { posix } from 'node:path';
import { CancelledError, UserFacingError, errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { runCall } from '../slurm/call';
import { SlurmCommandError } from '../slurm/errors';
import { sbatchCall } from '../slurm/sbatch';
import { scancelCall } from '../slurm/scancel';
import { scontrolActionCall } from '../slurm/scontrol';
import type { SlurmCall } from '../slurm/call';
import { absoluteRemoteRoot } from '../submit/remoteSubmit';
import { explainSbatchError } from '../submit/sbatchErrors';
import { sbatchOutcomeUnknown } from '../submit/sbatchOutcome';
import type { Transport } from '../transport/types';
import { jobNameFor, newRunId, runFolderName, stepFiles, stepSbatchOptions } from './plan';
import { planRetry, type StepStates } from './retryPlan';
import type { WorkflowRun } from './runRecord';
import type { Workflow, WorkflowStep } from './schema';

export interface RunOptions {
  /** Budget of each remote command. */
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface StartRunRequest {
  workflow: Workflow;
  /** Text of every `script` a step names, keyed by the path as written in the file. */
  scriptTexts: ReadonlyMap<string, string>;
  remoteRoot: string;
  profile: string;
  file?: string;
  runId?: string;
}

/** A run could not be submitted; nothing of it is left queued. */
export class WorkflowSubmitError extends UserFacingError {
  /** Jobs that had been submitted (held) and were cancelled again. */
  cancelledJobIds: number[] = [];

  constructor(message: string, hint: string, readonly step?: string, cause?: unknown) {
    super(message, hint, { cause });
    this.name = 'WorkflowSubmitError';
  }
}

/** `scancel --name=<job name>`: for a step whose sbatch answer was lost, the job may exist under its name only. */
function scancelByNameCall(jobName: string): SlurmCall<void> {
  return { name: 'scancel --name', argv: ['scancel', `--name=${jobName}`], parse: () => undefined };
}

/** Cleanup runs even after a cancel: its own budget, no signal. Returns what could not be undone. */
async function undo(transport: Transport, jobIds: readonly number[], lostJobName: string | undefined, removeDir: string | undefined): Promise<string[]> {
  const left: string[] = [];
  const cleanup = { timeoutMs: 30_000 };
  if (jobIds.length > 0) {
    try {
      await runCall(transport, scancelCall(jobIds.map(String)), cleanup);
    } catch (err) {
      left.push(`jobs ${jobIds.join(', ')} (${errorMessage(err)})`);
    }
  }
  if (lostJobName !== undefined) {
    try {
      await runCall(transport, scancelByNameCall(lostJobName), cleanup);
    } catch (err) {
      left.push(`a job named ${lostJobName} (${errorMessage(err)})`);
    }
  }
  if (removeDir !== undefined) {
    try {
      await transport.remove(removeDir, cleanup);
    } catch (err) {
      left.push(`the folder ${removeDir} (${errorMessage(err)})`);
    }
  }
  if (left.length > 0) logger.warn(`[${transport.label}] after a failed workflow submit, could not clean up: ${left.join('; ')}`);
  return left;
}

interface SubmitStepsInput {
  workflow: string;
  runId: string;
  runDir: string;
  steps: readonly WorkflowStep[];
  upstream: ReadonlyMap<string, number>;
  /** The run folder is new: remove it if the submit fails. */
  removeDirOnFailure: boolean;
}

async function submitSteps(transport: Transport, input: SubmitStepsInput, options: RunOptions): Promise<Map<string, number>> {
  const submitted = new Map<string, number>();
  const upstream = new Map(input.upstream);
  for (const step of input.steps) {
    const jobName = jobNameFor(input.workflow, input.runId, step.name);
    try {
      if (options.signal?.aborted) throw new CancelledError('Run Workflow');
      options.onProgress?.(`Submitting ${step.name}…`);
      const result = await runCall(transport, sbatchCall(stepSbatchOptions({ workflow: input.workflow, runId: input.runId, step, runDir: input.runDir, upstream, hold: true })), options);
      submitted.set(step.name, result.jobId);
      upstream.set(step.name, result.jobId);
    } catch (err) {
      const lost = sbatchOutcomeUnknown(err) && !(err instanceof CancelledError) ? jobName : undefined;
      const left = await undo(transport, [...submitted.values()], lost ?? (err instanceof CancelledError ? jobName : undefined), input.removeDirOnFailure ? input.runDir : undefined);
      const error = failure(err, step.name, submitted.size, left);
      if (error instanceof WorkflowSubmitError) error.cancelledJobIds = [...submitted.values()];
      throw error;
    }
  }
  const ids = [...submitted.values()];
  try {
    options.onProgress?.('Releasing the run…');
    // Released without the caller's signal: once every step is in, the run is whole either way.
    await runCall(transport, scontrolActionCall('release', ids.map(String)), { timeoutMs: options.timeoutMs });
  } catch (err) {
    const left = await undo(transport, ids, undefined, input.removeDirOnFailure ? input.runDir : undefined);
    throw new WorkflowSubmitError(
      `The workflow's ${ids.length} jobs were submitted held but could not be released (${errorMessage(err)}); they were cancelled.${leftText(left)}`,
      'Check the connection to the cluster and run the workflow again.',
      undefined,
      err,
    );
  }
  return submitted;
}

function leftText(left: readonly string[]): string {
  return left.length > 0 ? ` Could not clean up: ${left.join('; ')}.` : '';
}

function failure(err: unknown, step: string, alreadyIn: number, left: readonly string[]): Error {
  const undone = alreadyIn > 0 ? ` The ${alreadyIn} job${alreadyIn === 1 ? '' : 's'} already submitted (held, none started) ${alreadyIn === 1 ? 'was' : 'were'} cancelled.` : ' Nothing was submitted.';
  if (err instanceof CancelledError) return new WorkflowSubmitError(`Run Workflow was cancelled at step ${step}.${undone}${leftText(left)}`, 'Run it again when you are ready.', step, err);
  if (err instanceof SlurmCommandError) {
    const said = (err.stderr.trim() || err.stdout.trim() || err.message).split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    const explained = explainSbatchError(said);
    return new WorkflowSubmitError(
      `sbatch refused step ${step}: ${explained ? `${explained.summary} ` : ''}${said}.${undone}${leftText(left)}`,
      explained?.hint ?? `Fix step ${step}'s resources in the workflow file and run it again.`,
      step,
      err,
    );
  }
  return new WorkflowSubmitError(`Submitting step ${step} failed: ${errorMessage(err)}.${undone}${leftText(left)}`, 'Check the connection to the cluster and run the workflow again.', step, err);
}

function filesFor(workflow: Workflow, runId: string, steps: readonly WorkflowStep[], scriptTexts: ReadonlyMap<string, string>) {
  return steps.flatMap((step) => {
    if (step.script === undefined) return stepFiles({ workflow: workflow.name, runId, step });
    const scriptText = scriptTexts.get(step.script);
    if (scriptText === undefined) throw new UserFacingError(`Step ${step.name}'s script ${step.script} could not be read.`, 'The path is relative to the workflow file; fix it and run again.');
    return stepFiles({ workflow: workflow.name, runId, step, scriptText });
  });
}

async function uploadFiles(transport: Transport, runDir: string, files: readonly { name: string; content: string }[], options: RunOptions): Promise<void> {
  options.onProgress?.(`Uploading ${files.length} files…`);
  await transport.mkdirp(runDir, options);
  for (const f of files) await transport.writeFile(posix.join(runDir, f.name), f.content, options);
}

/** Uploads and submits a whole workflow; resolves with the run's record once every step is queued. */
export async function startRun(transport: Transport, req: StartRunRequest, options: RunOptions): Promise<WorkflowRun> {
  const runId = req.runId ?? newRunId();
  const files = filesFor(req.workflow, runId, req.workflow.steps, req.scriptTexts);
  const root = await absoluteRemoteRoot(transport, req.remoteRoot, options);
  const runDir = posix.join(root, 'workflows', runFolderName(req.workflow.name, runId));
  try {
    await uploadFiles(transport, runDir, files, options);
  } catch (err) {
    const left = await undo(transport, [], undefined, runDir);
    throw new WorkflowSubmitError(`Uploading the workflow's files to ${runDir} failed: ${errorMessage(err)}. Nothing was submitted.${leftText(left)}`, 'Check the connection and the remote root of the cluster profile, then run again.', undefined, err);
  }
  const jobIds = await submitSteps(transport, { workflow: req.workflow.name, runId, runDir, steps: req.workflow.steps, upstream: new Map(), removeDirOnFailure: true }, options);
  return {
    workflow: req.workflow.name,
    runId,
    profile: req.profile,
    ...(req.file !== undefined ? { file: req.file } : {}),
    remoteDir: runDir,
    startedAt: new Date().toISOString(),
    steps: req.workflow.steps.map((s) => ({ name: s.name, jobId: jobIds.get(s.name) as number, previousJobIds: [], dependsOn: s.dependsOn, ...(s.array !== undefined ? { array: s.array } : {}) })),
  };
}

export interface RetryRequest {
  run: WorkflowRun;
  /** The workflow as the file says now (the user may have fixed a script or a resource). */
  workflow: Workflow;
  scriptTexts: ReadonlyMap<string, string>;
  /** Each step's state as last seen. */
  states: StepStates;
}

/**
 * Resubmits the failed steps and everything downstream of them into the same run folder (fresh
 * files, same run id and job names), after cancelling their old jobs that still wait. Resolves
 * with the updated record; a run with nothing failed is refused.
 */
export async function retryFailed(transport: Transport, req: RetryRequest, options: RunOptions): Promise<WorkflowRun> {
  const plan = planRetry(req.run, req.states);
  if (plan.steps.length === 0) throw new UserFacingError(`Run ${req.run.runId} of ${req.run.workflow} has no failed step to retry.`, 'Retry Failed resubmits steps that ended FAILED, CANCELLED, TIMEOUT or OUT_OF_MEMORY and what depends on them.');
  const byName = new Map(req.workflow.steps.map((s) => [s.name, s]));
  const runNames = req.run.steps.map((s) => s.name).sort().join(',');
  if (req.workflow.name !== req.run.workflow || [...byName.keys()].sort().join(',') !== runNames) {
    throw new UserFacingError(`The workflow file no longer has the steps of run ${req.run.runId}, so its failed steps cannot be retried in place.`, 'Run the workflow again as a new run.');
  }
  const steps = req.workflow.steps.filter((s) => plan.steps.includes(s.name));
  const files = filesFor(req.workflow, req.run.runId, steps, req.scriptTexts);
  if (plan.cancel.length > 0) {
    options.onProgress?.('Cancelling the jobs that wait on a failed step…');
    await runCall(transport, scancelCall(plan.cancel.map(String)), options);
  }
  await uploadFiles(transport, req.run.remoteDir, files, options);
  const jobIds = await submitSteps(transport, { workflow: req.run.workflow, runId: req.run.runId, runDir: req.run.remoteDir, steps, upstream: plan.upstream, removeDirOnFailure: false }, options);
  return {
    ...req.run,
    steps: req.run.steps.map((s) => {
      const next = jobIds.get(s.name);
      return next === undefined ? s : { ...s, jobId: next, previousJobIds: [...s.previousJobIds, s.jobId] };
    }),
  };
}

/** Cancels every job of the run (finished ones are left as they are by Slurm). */
export async function cancelRun(transport: Transport, run: WorkflowRun, options: RunOptions): Promise<void> {
  await runCall(transport, scancelCall(run.steps.map((s) => String(s.jobId))), options);
}
