/**
 * The "Submit with Options…" form, field by field: its values (prefilled as the prompts were:
 * template defaults < last answers for the file < the file's own #SBATCH directives), what each
 * value is wrong with (sbatch would refuse it), what it does to the file's directives ("overrides
 * #SBATCH --x=y", by the same rule as submit/oneClick.ts: nothing the user did not change is
 * passed) and the partition's limits it exceeds (submit/limitCheck.ts). Pure; VS Code-free.
 */
import { formatDuration } from '../slurm/duration';
import type { ClusterResources } from '../resources/model';
import { answersToOptions, SubmitAnswersSchema, type SubmitAnswers } from './answers';
import { formatDirectiveValue } from '../slurm/directiveFormat';
import { checkLimits } from './limitCheck';
import { answersToPass, describeFileOverrides } from './oneClick';

export const FORM_FIELDS = ['partition', 'time', 'cpusPerTask', 'mem', 'gpus', 'jobName'] as const;
export type FormField = (typeof FORM_FIELDS)[number];
/** What the inputs hold: text as typed ("" = left empty). */
export type FormValues = Record<FormField, string>;

export const FIELD_TEXT: Record<FormField, { label: string; placeholder: string }> = {
  partition: { label: 'Partition', placeholder: 'empty: the cluster default' },
  time: { label: 'Time limit', placeholder: 'e.g. 30 (minutes), 2:00:00, 1-12:00:00' },
  cpusPerTask: { label: 'CPUs per task', placeholder: 'e.g. 4' },
  mem: { label: 'Memory per node', placeholder: 'e.g. 4G (empty: the partition default)' },
  gpus: { label: 'GPUs per node', placeholder: '0 for none' },
  jobName: { label: 'Job name', placeholder: 'shown by squeue' },
};

/** The sbatch option (long name) each field sets; GPUs are written as --gres=gpu:N (answers.ts). */
const FIELD_OPTION: Record<FormField, string> = { partition: 'partition', time: 'time', cpusPerTask: 'cpus-per-task', mem: 'mem', gpus: 'gres', jobName: 'job-name' };

/** The options a limit problem may name for each field. */
const FIELD_LIMIT_OPTIONS: Record<FormField, readonly string[]> = { partition: ['partition'], time: ['time'], cpusPerTask: ['cpus-per-task'], mem: ['mem'], gpus: ['gres', 'gpus'], jobName: [] };

export function isFormField(x: string): x is FormField {
  return (FORM_FIELDS as readonly string[]).includes(x);
}

/** The inputs' text for prefilled answers (unknown or missing fields stay empty). */
export function formValuesFrom(prefill: Record<string, unknown>): FormValues {
  const out = {} as FormValues;
  for (const f of FORM_FIELDS) {
    const v = prefill[f];
    out[f] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

/** Why sbatch would refuse this value (zod's message), or undefined; an empty field is fine. */
export function fieldError(field: FormField, value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const r = SubmitAnswersSchema.shape[field].safeParse(value.trim());
  return r.success ? undefined : r.error.issues[0]?.message;
}

export function formErrors(values: FormValues): Partial<Record<FormField, string>> {
  const out: Partial<Record<FormField, string>> = {};
  for (const f of FORM_FIELDS) {
    const e = fieldError(f, values[f]);
    if (e) out[f] = e;
  }
  return out;
}

/** The form as raw answers: trimmed text, an empty field as undefined (the file's directive then stays). */
export function formRawAnswers(values: FormValues): Record<FormField, string | undefined> {
  const out = {} as Record<FormField, string | undefined>;
  for (const f of FORM_FIELDS) out[f] = values[f].trim() === '' ? undefined : values[f].trim();
  return out;
}

/** The valid, non-empty fields as answers (a field with an error is left out until it is fixed). */
export function formAnswers(values: FormValues): SubmitAnswers {
  const raw: Record<string, unknown> = {};
  for (const [f, v] of Object.entries(formRawAnswers(values))) if (v !== undefined && fieldError(f as FormField, v) === undefined) raw[f] = v;
  return SubmitAnswersSchema.parse(raw);
}

/** The answers that reach sbatch: only what differs from the file's directives (oneClick.answersToPass). */
export function passedAnswers(values: FormValues, fileOptions: ReadonlyMap<string, string | undefined>): SubmitAnswers {
  return SubmitAnswersSchema.parse(answersToPass(fileOptions, formAnswers(values) as Record<string, unknown>));
}

/** The file's option a field stands for (GPUs: --gres, or --gpus when the file says it that way). */
function fileOptionOf(field: FormField, fileOptions: ReadonlyMap<string, string | undefined>): string | undefined {
  if (field === 'gpus') return fileOptions.has('gres') ? 'gres' : fileOptions.has('gpus') ? 'gpus' : undefined;
  return fileOptions.has(FIELD_OPTION[field]) ? FIELD_OPTION[field] : undefined;
}

const directive = (option: string, value: string | undefined) => `#SBATCH --${option}${value === undefined ? '' : `=${formatDirectiveValue(value)}`}`;

/**
 * Per field, what its value does to the submitted job:
 * - "--partition=debug (overrides #SBATCH --partition=nosuch)" when it changes the file's value;
 * - "adds #SBATCH --mem=4G" when the file does not set it;
 * - "as the file says (#SBATCH --time=5)" when it is the file's own value (nothing is passed);
 * - "empty: #SBATCH --mem=4G stays" when emptied while the file sets it.
 */
export function fieldNotes(values: FormValues, fileOptions: ReadonlyMap<string, string | undefined>): Partial<Record<FormField, string>> {
  const passed = answersToOptions(passedAnswers(values, fileOptions));
  const errors = formErrors(values);
  const out: Partial<Record<FormField, string>> = {};
  for (const f of FORM_FIELDS) {
    if (errors[f]) continue;
    const own = fileOptionOf(f, fileOptions);
    const option = FIELD_OPTION[f];
    const value = passed.get(option);
    if (value !== undefined) {
      if (own === undefined) out[f] = `adds ${directive(option, value)}`;
      else if (own === option) out[f] = describeFileOverrides([`--${option}=${value}`], fileOptions);
      else out[f] = `--${option}=${formatDirectiveValue(value)} (overrides ${directive(own, fileOptions.get(own))})`;
    } else if (own !== undefined) {
      out[f] = values[f].trim() === '' ? `empty: ${directive(own, fileOptions.get(own))} stays` : `as the file says (${directive(own, fileOptions.get(own))})`;
    }
  }
  return out;
}

/**
 * The partition limits the job would exceed, beside the field at fault: the options the job would
 * have with these values (the file's directives, then the passed answers over them) checked as
 * before upload (limitCheck.ts). None without the cluster's figures.
 */
export function fieldWarnings(values: FormValues, fileOptions: ReadonlyMap<string, string | undefined>, resources: ClusterResources | undefined): Partial<Record<FormField, string>> {
  if (!resources) return {};
  const answers = passedAnswers(values, fileOptions);
  const options = new Map(fileOptions);
  for (const [k, v] of answersToOptions(answers)) options.set(k, v);
  // Asked GPUs replace the file's way of saying it (the check reads --gres first).
  if (answers.gpus !== undefined) {
    options.delete('gpus');
    options.set('gres', `gpu:${answers.gpus}`);
  }
  const out: Partial<Record<FormField, string>> = {};
  for (const p of checkLimits(options, resources)) {
    const field = FORM_FIELDS.find((f) => FIELD_LIMIT_OPTIONS[f].includes(p.option));
    if (field) out[field] = out[field] ? `${out[field]} ${p.message}` : p.message;
  }
  return out;
}

export interface PartitionChoice {
  name: string;
  /** "default · 12/16 CPUs free · 1/2 GPUs free · max 1:00:00" */
  detail: string;
}

/** sinfo's partitions for the field's suggestions, with what is free now. Any other name can still be typed (sinfo hides hidden partitions). */
export function partitionChoices(resources: ClusterResources | undefined): PartitionChoice[] {
  return (resources?.partitions ?? []).map((p) => ({
    name: p.name,
    detail: [
      p.isDefault ? 'default' : undefined,
      `${p.cpus.free}/${p.cpus.total} CPUs free`,
      p.gpus.total > 0 ? `${p.gpus.free}/${p.gpus.total} GPUs free` : undefined,
      p.timeLimit.kind === 'seconds' || p.timeLimit.kind === 'unlimited' ? `max ${formatDuration(p.timeLimit)}` : undefined,
      p.acceptsJobs ? undefined : p.available,
    ].filter(Boolean).join(' · '),
  }));
}

/**
 * Another template chosen: fields still showing what the old template's prefill put there take the
 * new one's; what the user typed stays.
 */
export function reprefill(values: FormValues, oldPrefill: FormValues, newPrefill: FormValues): FormValues {
  const out = { ...values };
  for (const f of FORM_FIELDS) if (values[f] === oldPrefill[f]) out[f] = newPrefill[f];
  return out;
}
