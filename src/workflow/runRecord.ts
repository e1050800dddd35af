/**
 * A submitted run as it is remembered (extension storage; it survives a reload): which workflow,
 * which cluster, the remote run folder and each step's current job id and earlier ones. zod-checked
 * on the way back in: a record that does not parse is dropped, never trusted. VS Code-free.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import { DEPENDENCY_KINDS, NAME_PATTERN } from './schema';
import { RUN_ID_PATTERN } from './plan';

export const RunStepSchema = lazySchema(() => z.object({
  name: z.string().regex(NAME_PATTERN),
  jobId: z.number().int().positive(),
  /** Job ids of earlier attempts (replaced by Retry Failed), oldest first. */
  previousJobIds: z.array(z.number().int().positive()).default([]),
  dependsOn: z.array(z.object({ step: z.string().regex(NAME_PATTERN), kind: z.enum(DEPENDENCY_KINDS) })),
  array: z.string().optional(),
}));

export const WorkflowRunSchema = lazySchema(() => z.object({
  workflow: z.string().regex(NAME_PATTERN),
  runId: z.string().regex(RUN_ID_PATTERN),
  /** Cluster profile name. */
  profile: z.string().min(1),
  /** The workflow file (a URI string in the editor, a path in tests). */
  file: z.string().optional(),
  remoteDir: z.string().startsWith('/'),
  startedAt: z.string(),
  /** In submit (topological) order. */
  steps: z.array(RunStepSchema).min(1),
}));

export type WorkflowRun = z.infer<typeof WorkflowRunSchema>;
export type RunStep = z.infer<typeof RunStepSchema>;

/** Stored runs, newest first; records that fail the schema are left out. */
export function parseStoredRuns(raw: unknown): WorkflowRun[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((r) => {
    const p = WorkflowRunSchema.safeParse(r);
    return p.success ? [p.data] : [];
  });
}

export function runKey(run: Pick<WorkflowRun, 'profile' | 'workflow' | 'runId'>): string {
  return `${run.profile}/${run.workflow}.${run.runId}`;
}
