/**
 * The Python environment of a cluster profile, as the Python wrapper template wants it. The
 * profile's `python` field is validated with the rest of the profile (config/profile.ts), so a
 * mistake there is reported with the profile's other problems; here only defaults are filled in.
 *
 *   { "name": "hpc", "host": "...", "python": { "modules": ["python/3.11"], "conda": "torch", "venv": "~/venvs/x", "interpreter": "python3" } }
 * VS Code-free.
 */
import type { Profile } from '../config/profile';
import type { PythonEnvironment } from '../templates/render';

export function pythonEnvOf(profile: Pick<Profile, 'python'>): PythonEnvironment {
  const python = profile.python;
  if (python === undefined) return { modules: [], interpreter: 'python3' };
  const { modules, conda, venv, interpreter } = python;
  return { modules: [...modules], interpreter, ...(conda !== undefined ? { conda } : {}), ...(venv !== undefined ? { venv } : {}) };
}
