/**
 * `slurm.workflows.filePattern`: which files are workflows. A glob as VS Code's settings use them
 * (`**` any folders, `*` and `?` within one name, `{a,b}` alternatives, `[abc]` a character class),
 * matched against the path relative to the workspace folder (or the whole path outside one), so
 * `**\/*.slurm.yaml` matches at any depth and `pipelines/*.yaml` only in that folder. VS Code has
 * no public glob matcher for a path (menus must know a file before it is opened), hence this one.
 * Pure; VS Code-free.
 */

export const DEFAULT_WORKFLOW_PATTERN = '**/*.slurm.{yaml,yml}';

function escape(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** The glob as an anchored regular expression over a '/'-separated path. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const slashAfter = glob[i + 2] === '/';
        if (atStart && slashAfter) {
          out += '(?:[^/]*/)*';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '{') {
      depth++;
      out += '(?:';
    } else if (ch === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (ch === ',' && depth > 0) out += '|';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else out += escape(ch);
  }
  while (depth-- > 0) out += ')';
  return new RegExp(`^${out}$`);
}

const cache = new Map<string, RegExp>();

/**
 * Whether `path` is a workflow file under `pattern`. `relativePath` is the path inside its workspace
 * folder when it is in one; a pattern starting with `**` also matches the absolute path.
 */
export function matchesWorkflowPattern(pattern: string, absolutePath: string, relativePath?: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = globToRegExp(pattern.replace(/^\.\//, ''));
    cache.set(pattern, re);
  }
  const norm = (p: string) => p.replace(/\\/g, '/');
  if (relativePath !== undefined && re.test(norm(relativePath).replace(/^\/+/, ''))) return true;
  return re.test(norm(absolutePath)) || re.test(norm(absolutePath).replace(/^\/+/, ''));
}
