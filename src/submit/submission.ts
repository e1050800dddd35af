/**
 * The submit pipeline's pure steps, in order, for Submit / Submit with Options… / Check / Preview /
 * Submit after…: the script is read (and parsed) once, answers are prefilled from the template, the
 * last choices for the file and the file itself (the file wins), the questions to ask are planned,
 * the final answers are what differs from the file, and what sbatch will apply is the composed
 * script's directives with those answers over them. commands/submitFlow.ts only asks and shows.
 * VS Code-free.
 */
import * as path from 'node:path';
import { UserFacingError } from '../core/errors';
import type { HeaderTemplate } from '../templates/templateStore';
import { answersFromOptions, answersToOptions, SubmitAnswersSchema, type SubmitAnswers } from './answers';
import type { ComposedJob } from './compose';
import { effectiveDirectives, parseScript, type ParsedScript } from './directives';
import { answersToPass, planQuestions, type AskMode, type QuestionPlan } from './oneClick';

/** The user's file as submitted: its text (LF line breaks, as it is uploaded) parsed once. */
export interface ScriptSource {
  /** Base name, e.g. "train model.py". */
  fileName: string;
  text: string;
  languageId: 'python' | 'shellscript';
  parsed: ParsedScript;
  /** The options its own `#SBATCH` lines set (the last one of each wins, as in sbatch). */
  fileOptions: ReadonlyMap<string, string | undefined>;
}

/** What was chosen the last time this file was submitted from this workspace. */
export interface RememberedChoices {
  template?: string;
  answers?: Record<string, unknown>;
}

export function readScript(filePath: string, text: string, languageId: string): ScriptSource {
  const normalised = text.replace(/\r\n/g, '\n');
  const parsed = parseScript(normalised);
  return {
    fileName: path.basename(filePath),
    text: normalised,
    languageId: languageId === 'python' || filePath.endsWith('.py') ? 'python' : 'shellscript',
    parsed,
    fileOptions: effectiveDirectives(parsed.directives),
  };
}

/** Prefill: the template's defaults < the last choices for this file < the file's own directives. */
export function prefillAnswers(source: ScriptSource, template: HeaderTemplate, last?: RememberedChoices): Record<string, unknown> {
  const prefill: Record<string, unknown> = {
    ...answersFromOptions(new Map(Object.entries(template.meta.defaults).map(([k, v]) => [k, v ?? undefined]))),
    ...SubmitAnswersSchema.partial().safeParse(last?.answers ?? {}).data,
    ...answersFromOptions(source.fileOptions),
  };
  // A wrapped file would otherwise be named after its wrapper ("train.py.sbatch") in squeue.
  if (prefill.jobName === undefined && source.languageId === 'python') {
    const byFile = SubmitAnswersSchema.shape.jobName.safeParse(source.fileName);
    if (byFile.success) prefill.jobName = byFile.data;
  }
  return prefill;
}

/** Which questions to ask for this template and these answers so far (submit/oneClick.ts has the rule). */
export function questionPlan(source: ScriptSource, template: HeaderTemplate, raw: Record<string, unknown>, how: { mode: AskMode; acceptDefaults?: boolean; submittedBefore: boolean }): QuestionPlan {
  const setBy = new Set([...source.fileOptions.keys(), ...Object.keys(template.meta.defaults), ...answersToOptions(SubmitAnswersSchema.partial().safeParse(raw).data ?? {}).keys()]);
  return planQuestions({
    mode: how.mode,
    acceptDefaults: how.acceptDefaults,
    fileOptions: source.fileOptions,
    submittedBefore: how.submittedBefore,
    requiredUnset: template.meta.requires.filter((r) => !setBy.has(r)),
  });
}

/** The answers passed to sbatch: validated, and only what differs from the file's own directives (the file's values win). */
export function finalAnswers(source: ScriptSource, raw: Record<string, unknown>, dependency?: string): SubmitAnswers {
  const given: Record<string, unknown> = { ...raw };
  if (dependency !== undefined) given.dependency = dependency;
  for (const k of Object.keys(given)) if (given[k] === undefined || given[k] === '') delete given[k];
  const parsed = SubmitAnswersSchema.safeParse(answersToPass(source.fileOptions, given));
  if (!parsed.success) {
    throw new UserFacingError(`Invalid answers: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'Correct the values and submit again.');
  }
  return parsed.data;
}

/** What to remember for the next submit of this file: a dependency is for this submission only. */
export function choicesToRemember(template: HeaderTemplate, answers: SubmitAnswers): RememberedChoices {
  const remembered: Record<string, unknown> = { ...answers };
  delete remembered.dependency;
  return { template: template.id, answers: remembered };
}

/** What sbatch will apply: the composed script's directives, then the command line's overrides over them. */
export function sbatchOptions(job: ComposedJob, answers: SubmitAnswers): Map<string, string | undefined> {
  const effective = new Map(job.directives);
  for (const [k, v] of answersToOptions(answers)) effective.set(k, v);
  return effective;
}
