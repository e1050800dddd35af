/**
 * The exact batch script that will be submitted, composed from the user's text (never written
 * back to their file) and a rendered template:
 * - shell scripts: the file's `#!` line (or `#!/bin/bash`, which sbatch requires), the rendered
 *   header, then the file from its second line on — the file's own directives come after ours,
 *   so they still win where both set an option;
 * - Python files: the rendered wrapper is the batch script and the .py file goes next to it
 *   unchanged; `#SBATCH` comments at the top of the .py become part of the wrapper's header.
 * Line breaks are normalised to LF in the copy (sbatch refuses CRLF scripts).
 * VS Code-free.
 */
import * as path from 'node:path';
import { UserFacingError } from '../core/errors';
import { renderTemplate, type PythonEnvironment } from '../templates/render';
import type { HeaderTemplate } from '../templates/templateStore';
import { answersToOptions, type SubmitAnswers } from './answers';
import { hasControlCharacters } from '../slurm/directiveFormat';
import { effectiveDirectives, parseScript, type ParsedScript } from './directives';
import { planHeader, type HeaderPlan, type PlannedDirective } from '../templates/headerPlan';

export interface ComposeInput {
  /** Base name of the user's file, e.g. "train model.py". */
  fileName: string;
  /** The text to submit (the editor buffer or the saved file). */
  text: string;
  languageId: string;
  template: HeaderTemplate;
  answers: SubmitAnswers;
  /** Further sbatch options for this submission only (e.g. a dependency from "Submit after…"). */
  python?: PythonEnvironment;
  /** `text` already parsed (submission.ts readScript): the file is not parsed again. */
  parsed?: ParsedScript;
}

export interface UploadFile {
  name: string;
  content: string;
}

export interface ComposedJob {
  /** The batch script's file name in the job's remote folder. */
  scriptName: string;
  /** The exact script text. */
  script: string;
  /** Every file to upload (the script first). */
  files: UploadFile[];
  /** sbatch arguments overriding the file's directives. */
  overrides: string[];
  plan: HeaderPlan;
  parsed: ParsedScript;
  /** The options the composed script's directives set, as sbatch reads them (before command-line overrides). */
  directives: Map<string, string | undefined>;
}

export const DEFAULT_SHEBANG = '#!/bin/bash';

/** A file name we can upload and name in a script: no path separators, no control characters. */
export function checkFileName(name: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/') || hasControlCharacters(name)) {
    throw new UserFacingError(`The file name ${JSON.stringify(name)} cannot be used on the cluster.`, 'Rename the file without "/" or control characters (such as line breaks) and submit again.');
  }
}

export async function composeJob(input: ComposeInput): Promise<ComposedJob> {
  checkFileName(input.fileName);
  const text = input.text.replace(/\r\n/g, '\n');
  const parsed = input.parsed ?? parseScript(text);
  const fileOptions = effectiveDirectives(parsed.directives);
  const defaults = new Map(Object.entries(input.template.meta.defaults).map(([k, v]) => [k, v ?? undefined] as const));
  const answers = answersToOptions(input.answers);
  for (const required of input.template.meta.requires) {
    if (!fileOptions.has(required) && !answers.has(required) && !defaults.has(required)) {
      throw new UserFacingError(`Template "${input.template.meta.label}" needs --${required}.`, `Give a value for ${required} or add "#SBATCH --${required}=..." to the script.`);
    }
  }

  if (input.template.meta.kind === 'wrapper') {
    // The .py file is not read by sbatch: its directives move into the wrapper's header, where
    // they win over defaults like a shell script's own directives do.
    // The wrapper is ours, so answers that differ from the file's values go straight into it.
    const fromFile = new Map(fileOptions);
    for (const [option, value] of answers) fromFile.set(option, value);
    const plan = planHeader(new Map(), new Map([...defaults, ...fromFile]), new Map());
    const rendered = await renderTemplate(input.template, {
      directives: plan.header,
      python: { script: input.fileName, env: input.python ?? { modules: [], interpreter: 'python3' } },
    });
    const header = checkRenderedHeader(rendered, plan.header, input.template, false);
    const scriptName = wrapperName(input.fileName);
    return {
      scriptName,
      script: rendered,
      files: [{ name: scriptName, content: rendered }, { name: input.fileName, content: text }],
      overrides: plan.overrides,
      plan,
      parsed,
      directives: effectiveDirectives(header.directives),
    };
  }

  const plan = planHeader(fileOptions, defaults, answers);
  const header = await renderTemplate(input.template, { directives: plan.header });
  const headerRead = checkRenderedHeader(header, plan.header, input.template, true);
  const lines = text.split('\n');
  const shebang = parsed.shebang ?? DEFAULT_SHEBANG;
  const rest = parsed.shebang !== undefined ? lines.slice(1) : lines;
  const headerLines = header.trim() === '' ? [] : header.replace(/\n$/, '').split('\n');
  const script = [shebang, ...headerLines, ...rest].join('\n');
  // Our header comes first, the file's own directives after it: sbatch lets the later one win.
  const directives = effectiveDirectives([...headerRead.directives, ...parsed.directives]);
  return { scriptName: input.fileName, script, files: [{ name: input.fileName, content: script }], overrides: plan.overrides, plan, parsed, directives };
}

/** "train.py" -> "train.py.sbatch": the wrapper sits next to the file it runs. */
export function wrapperName(fileName: string): string {
  return `${path.basename(fileName)}.sbatch`;
}

/**
 * The rendered header must read back as exactly the planned directives; a header template must
 * not contain commands (they would end sbatch's directive parsing before the file's own).
 */
export function checkRenderedHeader(rendered: string, planned: readonly PlannedDirective[], template: HeaderTemplate, headerOnly: boolean): ParsedScript {
  const back = parseScript(rendered);
  const fail = (why: string): never => {
    throw new UserFacingError(`Template "${template.meta.label}" (${template.file}) produced a header that does not match the job's options: ${why}.`, 'Fix the template: it must write each of `directives` on its own line, before any command.');
  };
  const errors = back.problems.filter((p) => p.severity === 'error' || p.code === 'afterFirstCommand');
  if (errors.length > 0) fail(errors.map((p) => `line ${p.line + 1}: ${p.message}`).join('; '));
  if (headerOnly && back.firstCommandLine < rendered.split('\n').length && rendered.split('\n').slice(back.firstCommandLine).some((l) => l.trim() !== '')) {
    fail(`line ${back.firstCommandLine + 1} is a command`);
  }
  const got = back.directives.map((d) => `${d.option}=${d.value ?? ''}`);
  const want = planned.map((d) => `${d.option}=${d.value ?? ''}`);
  if (got.join('\n') !== want.join('\n')) fail(`expected [${want.join(', ')}], read back [${got.join(', ')}]`);
  return back;
}
