/**
 * What "Submit to Slurm" asks, and what of the answers reaches sbatch. Pure; VS Code-free.
 *
 * One click: a script SUFFICES — Submit sends it without a single question — when
 *   1. the cluster is known: named by the caller, the only profile, or the one the last
 *      *successful* submit of this workspace went to (a failed submit is not remembered), and
 *   2. the script says something about the job: at least one `#SBATCH` directive, or this file
 *      was submitted from this workspace before (its remembered answers stand in), and
 *   3. every option the template requires (e.g. a container image) is set somewhere.
 * Everything else the cluster's defaults decide, as plain `sbatch file` would. When (1) fails only
 * the cluster is asked; when (3) fails only the required options; when (2) fails every field is
 * asked, prefilled. "Submit with Options…" asks every question (prefilled from the file).
 *
 * The file's values win: an answer reaches sbatch only when it differs from what the file says
 * (a new option goes into the header, a changed one on sbatch's command line, shown as
 * "--x=new (overrides #SBATCH --x=old)"). An answer equal to the file's value, or left as the
 * prefilled file value, is not passed at all.
 */
import { formatDirectiveValue } from '../slurm/directiveFormat';
import { answersFromOptions } from './answers';

export type AskMode = 'missing' | 'all';

export type ClusterChoice = { use: string } | { ask: true; lastUsed?: string };

/** Which cluster: the caller's, the only one, the remembered one (one click), or ask. */
export function chooseCluster(input: { given?: string; profiles: readonly string[]; remembered?: string; mode: AskMode }): ClusterChoice {
  if (input.given !== undefined) return { use: input.given };
  if (input.profiles.length === 1) return { use: input.profiles[0] };
  const remembered = input.remembered !== undefined && input.profiles.includes(input.remembered) ? input.remembered : undefined;
  if (remembered !== undefined && input.mode === 'missing') return { use: remembered };
  return remembered !== undefined ? { ask: true, lastUsed: remembered } : { ask: true };
}

export interface QuestionPlan {
  /** Ask every field (partition, time, CPUs, memory, GPUs, job name), prefilled. */
  allFields: boolean;
  /** Template-required options (long names) set nowhere: asked even when the rest suffices. */
  required: string[];
}

/** What to ask once the cluster is known (see the rule above). `acceptDefaults` asks nothing. */
export function planQuestions(input: {
  mode: AskMode;
  acceptDefaults?: boolean;
  /** The file's `#SBATCH` directives (effective options). */
  fileOptions: ReadonlyMap<string, string | undefined>;
  /** This file was submitted before from this workspace (answers remembered). */
  submittedBefore: boolean;
  /** Options the template requires, and whether each is set by the file, the answers given or the template. */
  requiredUnset: readonly string[];
}): QuestionPlan {
  if (input.acceptDefaults) return { allFields: false, required: [] };
  if (input.mode === 'all') return { allFields: true, required: [...input.requiredUnset] };
  const saysSomething = input.fileOptions.size > 0 || input.submittedBefore;
  return { allFields: !saysSomething, required: [...input.requiredUnset] };
}

/**
 * The answers that reach sbatch: those that differ from the file's own value (or that the file
 * does not set). An emptied field the file sets is not an answer: the file's directive stays.
 */
export function answersToPass(fileOptions: ReadonlyMap<string, string | undefined>, final: Record<string, unknown>): Record<string, unknown> {
  const fromFile = answersFromOptions(fileOptions) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(final)) {
    if (value === undefined || value === '') continue;
    const own = fromFile[field];
    if (own !== undefined && String(own) === String(value).trim()) continue;
    // A file value we could not read as an answer (e.g. --gres=gpu:a100:2 read as 2 GPUs) is only
    // replaced when the user gave something else.
    out[field] = value;
  }
  return out;
}

/**
 * `--partition=debug (overrides #SBATCH --partition=nosuch)` for each override; an override of an
 * option the file does not set is just the option.
 */
export function describeFileOverrides(overrides: readonly string[], fileOptions: ReadonlyMap<string, string | undefined>): string {
  return overrides.map((o) => {
    const eq = o.indexOf('=');
    const option = (eq < 0 ? o : o.slice(0, eq)).replace(/^--/, '');
    const value = eq < 0 ? undefined : o.slice(eq + 1);
    const typed = value === undefined ? `--${option}` : `--${option}=${formatDirectiveValue(value)}`;
    if (!fileOptions.has(option)) return typed;
    const own = fileOptions.get(option);
    return `${typed} (overrides #SBATCH --${option}${own === undefined ? '' : `=${formatDirectiveValue(own)}`})`;
  }).join(', ');
}
