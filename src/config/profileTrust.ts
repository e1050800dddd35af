/**
 * Cluster profiles from a workspace's own settings (`.vscode/settings.json`, a folder's settings)
 * are written by whoever wrote the repository. Some profile fields run code or pick credentials:
 * `prelude` (shell code before every command), `kind: "local"` (commands on this machine),
 * `identityFile` / `knownHostsFile` (which key to offer, which host keys to believe) and `python`
 * (modules, conda, venv and interpreter run by every Python job). In an untrusted workspace such a
 * workspace-level profile is never applied; the user is told once and can trust the workspace.
 * `slurm.profiles` is also a restricted configuration in package.json, so VS Code itself drops
 * workspace values in restricted mode; this is the same rule, enforced here too, and the names to
 * tell the user. VS Code-free.
 */

/** The fields of one raw profile (as written in settings) that run code or pick credentials. */
export function codeRunningFields(item: unknown): string[] {
  if (typeof item !== 'object' || item === null) return [];
  const p = item as Record<string, unknown>;
  const out: string[] = [];
  if (typeof p.prelude === 'string' && p.prelude.trim() !== '') out.push('prelude');
  if (p.kind === 'local') out.push('kind: "local"');
  if (p.identityFile !== undefined) out.push('identityFile');
  if (p.knownHostsFile !== undefined) out.push('knownHostsFile');
  if (p.python !== undefined) out.push('python');
  return out;
}

/** `slurm.profiles` as VS Code reports it: the applied value and the per-scope values (inspect). */
export interface ProfilesSetting {
  /** The value VS Code applies (user, workspace and folder settings merged). */
  effective: unknown;
  /** The user's own value (user or machine settings). */
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export interface TrustedProfiles {
  /** The raw profile list to parse (config/profile.ts parseProfiles). */
  raw: unknown;
  /** Workspace-level profiles not applied because the workspace is untrusted: "name (prelude, python)". */
  ignored: string[];
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function describe(item: unknown, index: number, fields: readonly string[]): string {
  const name = typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string' ? `"${(item as { name: string }).name}"` : `#${index + 1}`;
  return `${name} (${fields.join(', ')})`;
}

/**
 * In a trusted workspace, the applied value as it is. In an untrusted one, every workspace-level
 * profile with a code-running field is dropped from it (unless the user's own settings hold the
 * very same profile) and named in `ignored`.
 */
export function profilesUnderTrust(setting: ProfilesSetting, trusted: boolean): TrustedProfiles {
  if (trusted) return { raw: setting.effective, ignored: [] };
  const own = asList(setting.globalValue);
  const risky = [...asList(setting.workspaceValue), ...asList(setting.workspaceFolderValue)]
    .map((item, index) => ({ item, index, fields: codeRunningFields(item) }))
    .filter((w) => w.fields.length > 0 && !own.some((o) => same(o, w.item)));
  if (risky.length === 0) return { raw: setting.effective, ignored: [] };
  const raw = Array.isArray(setting.effective) ? setting.effective.filter((e) => !risky.some((w) => same(w.item, e))) : setting.effective;
  return { raw, ignored: risky.map((w) => describe(w.item, w.index, w.fields)) };
}

/** What the user is told (once per window) about ignored workspace profiles. */
export function ignoredProfilesMessage(ignored: readonly string[]): string {
  const what = ignored.length === 1 ? `the cluster profile ${ignored[0]}` : `${ignored.length} cluster profiles (${ignored.join('; ')})`;
  return `This workspace is not trusted, so ${what} from its settings ${ignored.length === 1 ? 'is' : 'are'} not used: ${ignored.length === 1 ? 'it runs' : 'they run'} code or pick${ignored.length === 1 ? 's' : ''} credentials. Your own profiles still work; trust the workspace to use ${ignored.length === 1 ? 'it' : 'them'}.`;
}
