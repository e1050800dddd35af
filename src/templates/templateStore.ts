/**
 * Header templates: the built-in ones shipped in `templates/*.njk` and the user's own from the
 * folder in `slurm.templates.folder` (same file name = overrides the built-in). Each template's
 * first line is a comment with its metadata as JSON, validated with zod:
 *
 *   {#- slurm-workbench {"label": "GPU", "kind": "header", "languages": ["shellscript"],
 *       "defaults": {"gres": "gpu:1"}, "requires": ["container-image"]} -#}
 *
 * `kind: "header"` renders only #SBATCH lines, inserted after the script's `#!` line; `kind:
 * "wrapper"` renders a whole batch script that runs the file (Python). A template folder inside
 * the workspace is refused while the workspace is untrusted: a template decides what runs on the
 * cluster. VS Code-free.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';

const optionName = lazySchema(() => z.string().regex(/^[a-z][a-z-]*$/, 'an sbatch option name without dashes, e.g. "job-name"'));

export const TemplateMetaSchema = lazySchema(() => z.object({
  label: z.string().min(1),
  description: z.string().optional(),
  kind: z.enum(['header', 'wrapper']),
  /** VS Code language ids the template is for ("shellscript", "python"). */
  languages: z.array(z.string().min(1)).min(1),
  /** Option -> value (null for a flag) written unless the file or the user says otherwise. */
  defaults: z.record(optionName, z.string().nullable()).default({}),
  /** Options the user must give a value for (e.g. the container image). */
  requires: z.array(optionName).default([]),
}));
export type TemplateMeta = z.infer<typeof TemplateMetaSchema>;

export interface HeaderTemplate {
  /** File name without `.njk`: the identity that user templates override. */
  id: string;
  meta: TemplateMeta;
  source: string;
  origin: 'builtin' | 'user';
  file: string;
}

export interface TemplateProblem {
  file: string;
  message: string;
}

const META_LINE = /^\{#-?\s*slurm-workbench\s+(\{.*\})\s*-?#\}/;

export function parseTemplate(id: string, source: string, origin: HeaderTemplate['origin'], file: string): HeaderTemplate | TemplateProblem {
  const firstLine = source.split('\n', 1)[0] ?? '';
  const m = META_LINE.exec(firstLine);
  if (!m) return { file, message: `${file}: the first line must be {#- slurm-workbench {"label": ..., "kind": "header", "languages": ["shellscript"]} -#}` };
  let json: unknown;
  try {
    json = JSON.parse(m[1]);
  } catch (err) {
    return { file, message: `${file}: the metadata on line 1 is not valid JSON (${(err as Error).message})` };
  }
  const meta = TemplateMetaSchema.safeParse(json);
  if (!meta.success) {
    return { file, message: `${file}: ${meta.error.issues.map((i) => `${i.path.join('.') || 'metadata'} ${i.message}`).join('; ')}` };
  }
  return { id, meta: meta.data, source, origin, file };
}

export interface TemplateSources {
  /** The extension's `templates/` folder. */
  builtinDir: string;
  /** The user's folder (absolute), if set. */
  userDir?: string;
  /** True when userDir lies inside a workspace folder. */
  userDirInWorkspace?: boolean;
  /** Workspace trust; workspace templates are refused when false. */
  trusted: boolean;
}

export interface LoadedTemplates {
  templates: HeaderTemplate[];
  problems: TemplateProblem[];
}

async function readFolder(dir: string, origin: HeaderTemplate['origin'], problems: TemplateProblem[]): Promise<HeaderTemplate[]> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.njk')).sort();
  } catch (err) {
    problems.push({ file: dir, message: `Cannot read the template folder ${dir}: ${(err as Error).message}` });
    return [];
  }
  const out: HeaderTemplate[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const parsed = parseTemplate(name.slice(0, -'.njk'.length), await fs.readFile(file, 'utf8'), origin, file);
    if ('meta' in parsed) out.push(parsed);
    else problems.push(parsed);
  }
  return out;
}

export async function loadTemplates(sources: TemplateSources): Promise<LoadedTemplates> {
  const problems: TemplateProblem[] = [];
  const byId = new Map<string, HeaderTemplate>();
  for (const t of await readFolder(sources.builtinDir, 'builtin', problems)) byId.set(t.id, t);
  if (sources.userDir) {
    if (sources.userDirInWorkspace && !sources.trusted) {
      problems.push({
        file: sources.userDir,
        message: `Templates in ${sources.userDir} were not loaded: the folder is inside an untrusted workspace, and a template decides what runs on the cluster. Trust the workspace to use them.`,
      });
    } else {
      for (const t of await readFolder(sources.userDir, 'user', problems)) byId.set(t.id, t);
    }
  }
  return { templates: [...byId.values()], problems };
}

/** Templates for a language, the default one first. */
export function templatesFor(templates: readonly HeaderTemplate[], languageId: string): HeaderTemplate[] {
  const fits = templates.filter((t) => t.meta.languages.includes(languageId));
  return fits.sort((a, b) => Number(b.id === 'default' || b.id === 'python') - Number(a.id === 'default' || a.id === 'python') || a.meta.label.localeCompare(b.meta.label));
}
