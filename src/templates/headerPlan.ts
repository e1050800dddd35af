/**
 * Which options go where. The user's file is never changed, and the submitted script is the
 * file plus a rendered header, so:
 * - a template default is written in the header only when the file does not set that option
 *   (the file's directives win over template defaults);
 * - an answer equal to the file's own value needs nothing;
 * - an answer the file does not set goes into the header;
 * - an answer that differs from the file's directive goes on sbatch's command line, which sbatch
 *   applies over the script's directives — the user changed it on purpose for this submission.
 * VS Code-free.
 */
import { formatDirectiveValue } from '../slurm/directiveFormat';

export interface PlannedDirective {
  option: string;
  /** Undefined for flags. */
  value?: string;
}

export interface HeaderPlan {
  /** Directives for the rendered header, in a stable, readable order. */
  header: PlannedDirective[];
  /** sbatch arguments (`--option=value`) that override the file's directives for this submission. */
  overrides: string[];
}

/** Display order of common options in a rendered header; others follow alphabetically. */
const ORDER = ['job-name', 'partition', 'account', 'qos', 'time', 'nodes', 'ntasks', 'cpus-per-task', 'mem', 'gres', 'gpus', 'array', 'dependency', 'output', 'error', 'container-image'];

function rank(option: string): number {
  const i = ORDER.indexOf(option);
  return i < 0 ? ORDER.length : i;
}

export function planHeader(
  fileOptions: ReadonlyMap<string, string | undefined>,
  templateDefaults: ReadonlyMap<string, string | undefined>,
  answers: ReadonlyMap<string, string>,
): HeaderPlan {
  const header = new Map<string, string | undefined>();
  const overrides: string[] = [];
  for (const [option, value] of templateDefaults) {
    if (!fileOptions.has(option) && !answers.has(option)) header.set(option, value);
  }
  for (const [option, value] of answers) {
    if (!fileOptions.has(option)) header.set(option, value);
    else if (fileOptions.get(option) !== value) overrides.push(`--${option}=${value}`);
  }
  const sorted = [...header.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  return { header: sorted.map(([option, value]) => (value === undefined ? { option } : { option, value })), overrides };
}

/** For messages and the preview: the overrides as they would be typed. */
export function describeOverrides(overrides: readonly string[]): string {
  return overrides.map((o) => {
    const eq = o.indexOf('=');
    return eq < 0 ? o : `${o.slice(0, eq + 1)}${formatDirectiveValue(o.slice(eq + 1))}`;
  }).join(' ');
}
