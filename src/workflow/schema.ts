/**
 * The workflow file (`*.slurm.yaml`) as zod schemas: a list of steps, each a script file or an
 * inline command, with the submit form's resource fields (same names, same checks: submit/answers.ts),
 * `depends_on` as step names or `{ step, kind }`, an optional array, environment and retries.
 * media/schemas/slurm-workflow.schema.json says the same for editors; a unit test keeps them in step.
 * VS Code-free.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import { SubmitAnswersSchema } from '../submit/answers';

/** Step and workflow names: they become part of job names `<workflow>.<run>.<step>`, so no dots. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const NAME_MESSAGE = 'a name of letters, digits, "-" and "_" (at most 64, no dots or spaces)';

export const DEPENDENCY_KINDS = ['afterok', 'afterany', 'afternotok'] as const;
export type DependencyKind = (typeof DEPENDENCY_KINDS)[number];

/** sbatch --array: "0-9", "1,3,5", "1-7:2", "0-99%10". */
export const ARRAY_PATTERN = /^\d+(?:-\d+(?::\d+)?)?(?:,\d+(?:-\d+(?::\d+)?)?)*(?:%\d+)?$/;
/** Environment variable names a shell can export. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The submit form's resource fields (submit/submitFormModel.ts FORM_FIELDS) minus the job name, which the run sets. */
export const ResourcesSchema = lazySchema(() => SubmitAnswersSchema.pick({ partition: true, time: true, cpusPerTask: true, mem: true, gpus: true }).strict());
export type StepResources = z.infer<typeof ResourcesSchema>;

const StepName = lazySchema(() => z.string().regex(NAME_PATTERN, `Step name: ${NAME_MESSAGE}`));

export const DependencySchema = lazySchema(() => z.union([
  StepName,
  z.object({ step: StepName, kind: z.enum(DEPENDENCY_KINDS).default('afterok') }).strict(),
]));

export const StepSchema = lazySchema(() => z
  .object({
    name: StepName,
    /** A script file, relative to the workflow file's folder. */
    script: z.string().min(1, 'The script path cannot be empty').optional(),
    /** An inline shell command (run by bash in the job). */
    command: z.string().min(1, 'The command cannot be empty').optional(),
    resources: ResourcesSchema.optional(),
    depends_on: z.array(DependencySchema).optional(),
    array: z.union([z.string(), z.number().int().min(0)]).transform(String).pipe(z.string().regex(ARRAY_PATTERN, 'An array such as "0-9", "1,3,5" or "0-99%10"')).optional(),
    env: z.record(z.string().regex(ENV_NAME_PATTERN, 'An environment variable name (letters, digits, "_"; not starting with a digit)'), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
    /** How many more times the step's command runs in its job when it exits non-zero. */
    retries: z.number().int('Retries must be a whole number').min(0, 'Retries cannot be negative').max(10, 'At most 10 retries').optional(),
  })
  .strict()
  .refine((s) => (s.script === undefined) !== (s.command === undefined), { message: 'A step needs exactly one of "script" or "command"' }));

export const WorkflowSchema = lazySchema(() => z
  .object({
    name: z.string().regex(NAME_PATTERN, `Workflow name: ${NAME_MESSAGE}`).optional(),
    description: z.string().optional(),
    steps: z.array(StepSchema).min(1, 'A workflow needs at least one step'),
  })
  .strict());

export type WorkflowStepInput = z.infer<typeof StepSchema>;

export interface Dependency {
  step: string;
  kind: DependencyKind;
}

export interface WorkflowStep {
  name: string;
  script?: string;
  command?: string;
  resources: StepResources;
  dependsOn: Dependency[];
  array?: string;
  env: Record<string, string>;
  retries: number;
}

export interface Workflow {
  name: string;
  description?: string;
  steps: WorkflowStep[];
}

export function normaliseStep(s: WorkflowStepInput): WorkflowStep {
  return {
    name: s.name,
    ...(s.script !== undefined ? { script: s.script } : {}),
    ...(s.command !== undefined ? { command: s.command } : {}),
    resources: s.resources ?? {},
    dependsOn: (s.depends_on ?? []).map((d) => (typeof d === 'string' ? { step: d, kind: 'afterok' as const } : { step: d.step, kind: d.kind })),
    ...(s.array !== undefined ? { array: s.array } : {}),
    env: s.env ?? {},
    retries: s.retries ?? 0,
  };
}

/** `diamond.slurm.yaml` → `diamond` (made a valid name), for a file without `name:`. */
export function workflowNameFromFile(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.slurm\.ya?ml$/i, '').replace(/\.ya?ml$/i, '');
  const safe = base.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+/, '').slice(0, 64);
  return safe || 'workflow';
}
