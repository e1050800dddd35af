/**
 * Renders a header template with nunjucks (imported lazily: only a submit pays for it).
 *
 * Escaping for shell, not HTML: nunjucks' autoescape only knows HTML entities, which mean nothing
 * to bash or sbatch. Instead every value reaches the template already escaped for the one place it
 * can go: `directives` are complete `#SBATCH` lines (values quoted for sbatch's parser), and the
 * Python fields are single-quoted shell words (core/shellQuote). A template therefore cannot
 * interpolate a raw user string, and user templates get the same protection. The rendered header
 * is then parsed back and must yield exactly the planned directives (see checkRenderedHeader).
 * VS Code-free.
 */
import { quoteArg } from '../core/shellQuote';
import { UserFacingError } from '../core/errors';
import { formatDirective } from '../slurm/directiveFormat';
import type { PlannedDirective } from './headerPlan';
import type { HeaderTemplate } from './templateStore';

export interface PythonEnvironment {
  /** `module load` these, in order. */
  modules: string[];
  /** `conda activate` this environment (name or path). */
  conda?: string;
  /** Path of a virtualenv to `source <venv>/bin/activate`; `~/` means the home directory. */
  venv?: string;
  /** Interpreter command, default "python3". */
  interpreter: string;
}

export interface RenderInput {
  directives: readonly PlannedDirective[];
  /** For wrapper templates: the file to run (its name in the job's folder) and its environment. */
  python?: { script: string; env: PythonEnvironment };
}

/** A shell word for a path, keeping a leading `~/` working (quotes would disable tilde expansion). */
export function shellPath(p: string): string {
  if (p === '~') return '"$HOME"';
  if (p.startsWith('~/')) return `"$HOME"/${quoteArg(p.slice(2))}`;
  return quoteArg(p);
}

type Nunjucks = typeof import('nunjucks');
let nunjucksModule: Promise<Nunjucks> | undefined;
function loadNunjucks(): Promise<Nunjucks> {
  nunjucksModule ??= import('nunjucks').then((m) => ((m as { default?: Nunjucks }).default ?? m));
  return nunjucksModule;
}

/**
 * The file as the interpreter's operand. A name starting with "-" (`-c.py`, `--help.py`, `-`) would
 * be read as an interpreter option, whatever the interpreter; `./-c.py` is always the file.
 */
export function scriptOperand(name: string): string {
  return name.startsWith('-') ? `./${name}` : name;
}

export async function renderTemplate(template: HeaderTemplate, input: RenderInput): Promise<string> {
  const nunjucks = await loadNunjucks();
  // No loader: a template cannot include or import files.
  const env = new nunjucks.Environment(null, { autoescape: false, trimBlocks: true, lstripBlocks: true, throwOnUndefined: false });
  const context = {
    directives: input.directives.map((d) => formatDirective(d.option, d.value)),
    python: input.python
      ? {
          script: quoteArg(scriptOperand(input.python.script)),
          interpreter: input.python.env.interpreter.split(/\s+/).filter(Boolean).map(quoteArg).join(' '),
          modules: input.python.env.modules.map(quoteArg),
          conda: input.python.env.conda !== undefined ? quoteArg(input.python.env.conda) : undefined,
          venv: input.python.env.venv !== undefined ? shellPath(input.python.env.venv) : undefined,
        }
      : undefined,
  };
  try {
    // The metadata line renders to nothing (a nunjucks comment).
    const out = env.renderString(template.source, context);
    return out.replace(/^\n+/, '').replace(/\n*$/, '\n');
  } catch (err) {
    throw new UserFacingError(`Template "${template.meta.label}" (${template.file}) failed to render: ${(err as Error).message}`, 'Fix the template, or pick another one.', { cause: err });
  }
}
