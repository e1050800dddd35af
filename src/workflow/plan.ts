/**
 * What a run submits, as data: the run's id and each step's job name (`<workflow>.<run>.<step>`,
 * so a job in squeue traces back to its run and step), the small batch script each step runs (its
 * environment, its command or script, tried 1 + retries times) and the sbatch options, with
 * `--dependency` built from the job ids of steps already submitted. Pure; VS Code-free.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { quoteArg } from '../core/shellQuote';
import { sbatchArgv, type SbatchOptions } from '../slurm/sbatch';
import { isCommandLine } from '../submit/directives';
import type { UploadFile } from '../submit/compose';
import { DEPENDENCY_KINDS, type Dependency, type DependencyKind, type WorkflowStep } from './schema';

/** `k3x9q2`: short enough for squeue's name column, random enough not to meet another run's. */
export function newRunId(random = randomBytes(6)): string {
  return Array.from(random).map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('').slice(0, 6);
}

export const RUN_ID_PATTERN = /^[a-z0-9]{1,16}$/;

export function jobNameFor(workflow: string, runId: string, step: string): string {
  return `${workflow}.${runId}.${step}`;
}

/** The inverse of jobNameFor: the run and step a job name stands for (undefined for other names). */
export function parseJobName(name: string): { workflow: string; runId: string; step: string } | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9_-]*)\.([a-z0-9]{1,16})\.([A-Za-z0-9][A-Za-z0-9_-]*)$/.exec(name);
  return m ? { workflow: m[1], runId: m[2], step: m[3] } : undefined;
}

/** The run's folder name under `<remoteRoot>/workflows/`. */
export function runFolderName(workflow: string, runId: string): string {
  return `${workflow}.${runId}`;
}

/** `afterok:12:13,afterany:14` (all must hold: Slurm's ","), or undefined when nothing is upstream. */
export function dependencyExpression(deps: readonly { kind: DependencyKind; jobId: number }[]): string | undefined {
  const parts: string[] = [];
  for (const kind of DEPENDENCY_KINDS) {
    const ids = deps.filter((d) => d.kind === kind).map((d) => d.jobId);
    if (ids.length > 0) parts.push(`${kind}:${[...new Set(ids)].join(':')}`);
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

export function stepBatchName(step: string): string {
  return `${step}.sbatch`;
}

function stepPayloadName(step: WorkflowStep): string {
  return step.script !== undefined ? `${step.name}.${posix.basename(step.script.replace(/\\/g, '/'))}` : `${step.name}.command.sh`;
}

/** The `#SBATCH` lines at the top of a script (before its first command), which sbatch would read. */
export function headerDirectives(script: string): string[] {
  const out: string[] = [];
  for (const line of script.split('\n')) {
    if (isCommandLine(line)) break;
    if (/^#SBATCH\b/.test(line)) out.push(line.replace(/\r$/, ''));
  }
  return out;
}

export interface StepFilesInput {
  workflow: string;
  runId: string;
  step: WorkflowStep;
  /** The step's script text, for a `script` step. */
  scriptText?: string;
}

/**
 * The files a step needs in the run folder: the payload (its script or inline command) and the
 * batch script sbatch runs, which exports the step's environment and runs the payload up to
 * 1 + retries times. A script's own #SBATCH lines are carried over, so sbatch still reads them
 * (the workflow's resources, given on the command line, win over them as usual).
 */
export function stepFiles(input: StepFilesInput): UploadFile[] {
  const { step } = input;
  const payload = stepPayloadName(step);
  const command = step.command ?? '';
  const payloadText = step.script !== undefined ? (input.scriptText ?? '') : command.endsWith('\n') ? command : `${command}\n`;
  if (step.script !== undefined && input.scriptText === undefined) throw new Error(`stepFiles: the text of ${step.script} is missing`);
  const runPayload = step.script !== undefined && payloadText.startsWith('#!') ? `./${payload}` : `bash ./${payload}`;
  const lines = [
    '#!/bin/bash',
    `# Slurm Workbench workflow ${input.workflow}, run ${input.runId}, step ${step.name} (generated).`,
    ...(step.script !== undefined ? headerDirectives(payloadText) : []),
    ...Object.entries(step.env).map(([k, v]) => `export ${k}=${quoteArg(v)}`),
  ];
  if (step.script !== undefined && payloadText.startsWith('#!')) lines.push(`chmod u+x ./${payload}`);
  if (step.retries === 0) {
    lines.push(runPayload);
  } else {
    const tries = step.retries + 1;
    lines.push(
      'rc=0',
      `for attempt in $(seq 1 ${tries}); do`,
      `  ${runPayload} && exit 0`,
      '  rc=$?',
      `  echo "slurm-workbench: step ${step.name} attempt $attempt of ${tries} exited $rc" >&2`,
      'done',
      'exit "$rc"',
    );
  }
  return [
    { name: payload, content: payloadText },
    { name: stepBatchName(step.name), content: `${lines.join('\n')}\n` },
  ];
}

export interface StepSubmitInput {
  workflow: string;
  runId: string;
  step: WorkflowStep;
  /** Absolute remote run folder (the job's working directory and where its files are). */
  runDir: string;
  /** Job ids of the steps this one waits for (already submitted); steps absent here are not waited for. */
  upstream: ReadonlyMap<string, number>;
  /** Submit held (released together once every step is in: all or nothing). */
  hold?: boolean;
}

/** The dependencies that still apply: those whose step is in `upstream`. */
export function effectiveDependencies(deps: readonly Dependency[], upstream: ReadonlyMap<string, number>): { kind: DependencyKind; jobId: number }[] {
  return deps.flatMap((d) => {
    const jobId = upstream.get(d.step);
    return jobId === undefined ? [] : [{ kind: d.kind, jobId }];
  });
}

export function stepSbatchOptions(input: StepSubmitInput): SbatchOptions {
  const { step, runDir } = input;
  const r = step.resources;
  const dependency = dependencyExpression(effectiveDependencies(step.dependsOn, input.upstream));
  const logName = step.array !== undefined ? `${step.name}-%A_%a.out` : `${step.name}-%j.out`;
  return {
    script: posix.join(runDir, stepBatchName(step.name)),
    jobName: jobNameFor(input.workflow, input.runId, step.name),
    chdir: runDir,
    output: posix.join(runDir, logName),
    ...(r.partition !== undefined ? { partition: r.partition } : {}),
    ...(r.time !== undefined ? { time: r.time } : {}),
    ...(r.cpusPerTask !== undefined ? { cpusPerTask: r.cpusPerTask } : {}),
    ...(r.mem !== undefined ? { mem: r.mem } : {}),
    ...(r.gpus !== undefined && r.gpus > 0 ? { gres: `gpu:${r.gpus}` } : {}),
    ...(step.array !== undefined ? { array: step.array } : {}),
    ...(dependency !== undefined ? { dependency } : {}),
    ...(input.hold ? { hold: true } : {}),
    // Slurm keeps a job whose dependency can never be met pending (DependencyNeverSatisfied) so the
    // user sees why; the run view explains it and Retry Failed replaces it.
    extra: ['--kill-on-invalid-dep=no'],
  };
}

export function stepSbatchArgv(input: StepSubmitInput): string[] {
  return sbatchArgv(stepSbatchOptions(input));
}
