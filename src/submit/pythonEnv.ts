/**
 * The Python environment of a cluster profile: an optional `python` object next to the profile's
 * other fields in `slurm.profiles`, read with its own zod schema so the profile schema stays as is.
 *
 *   { "name": "hpc", "host": "...", "python": { "modules": ["python/3.11"], "conda": "torch", "venv": "~/venvs/x", "interpreter": "python3" } }
 * VS Code-free.
 */
import { z } from 'zod';
import type { PythonEnvironment } from '../templates/render';
import { hasControlCharacters } from './directiveFormat';

const word = z.string().trim().min(1).refine((s) => !hasControlCharacters(s), 'must be one line');

export const PythonEnvSchema = z.object({
  modules: z.union([word, z.array(word)]).optional().transform((m) => (m === undefined ? [] : Array.isArray(m) ? m : [m])),
  conda: word.optional(),
  venv: word.optional(),
  interpreter: word.default('python3'),
});

/** The environment of the named profile in the raw `slurm.profiles` setting (defaults when absent or invalid). */
export function pythonEnvOf(rawProfiles: unknown, profileName: string): { env: PythonEnvironment; problem?: string } {
  const fallback: PythonEnvironment = { modules: [], interpreter: 'python3' };
  if (!Array.isArray(rawProfiles)) return { env: fallback };
  const raw = rawProfiles.find((p) => typeof p === 'object' && p !== null && (p as { name?: unknown }).name === profileName) as { python?: unknown } | undefined;
  if (raw?.python === undefined) return { env: fallback };
  const parsed = PythonEnvSchema.safeParse(raw.python);
  if (!parsed.success) {
    return { env: fallback, problem: `Profile "${profileName}": python ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
  }
  const { modules, conda, venv, interpreter } = parsed.data;
  return { env: { modules, interpreter, ...(conda ? { conda } : {}), ...(venv ? { venv } : {}) } };
}
