/**
 * The Job model the views use: one row of the user's queue (squeue), optionally completed by
 * accounting (sacct) once it has left the queue.
 */
import type { Duration } from './duration';
import type { ExitCode } from './exitCode';
import type { JobId } from './jobId';
import type { JobState } from './jobState';

export interface Job {
  /** Display id: 123, 123_4, 123_[1-5%2], 123+0 (`id.text`). */
  id: JobId;
  /** Slurm's own unique id of this row (an array task has its own; the pending remainder uses the master's). */
  rawJobId: number;
  arrayJobId?: number;
  /** A single task id for a split-off array task. */
  arrayTaskId?: number;
  name: string;
  user: string;
  state: JobState;
  /** Why it waits or why it failed, e.g. "Dependency", "JobHeldUser"; undefined when Slurm says None. */
  reason?: string;
  partition: string;
  qos?: string;
  account?: string;
  /** Allocated nodes (running) or undefined (pending). */
  nodeList?: string;
  batchHost?: string;
  nodes: number;
  cpus: number;
  /** Minimum memory requested, as Slurm prints it (e.g. "500M", "2G"). */
  minMemory?: string;
  tresPerNode?: string;
  tresPerJob?: string;
  /** Allocated TRES when running, requested TRES otherwise: "cpu=1,mem=500M,node=1,billing=1,gres/gpu=1". */
  tres?: string;
  /** GPUs for the whole job (0 when none). */
  gpus: number;
  timeUsed: Duration;
  timeLimit: Duration;
  submitTime?: Date;
  startTime?: Date;
  endTime?: Date;
  workDir: string;
  /**
   * Output pattern as squeue reports it: 22.05 expands the default ("slurm-123.out"), 24.11 prints
   * it raw ("slurm-%j.out"); explicit patterns are raw on both. See resolveLogPaths().
   */
  stdout?: string;
  /** Error pattern; undefined when the job has no separate one (22.05 repeats stdout, 24.11 "(null)"). */
  stderr?: string;
  /** Remaining dependencies, e.g. "afterok:12(unfulfilled)"; undefined when none. */
  dependency?: string;
  command?: string;
  /** Only for finished jobs (squeue keeps them for MinJobAge with --states=all). */
  exitCode?: ExitCode;
}
