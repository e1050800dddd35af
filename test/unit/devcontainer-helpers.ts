// Shared by the devcontainer-*.test.ts files: the repository's paths, a JSONC reader and the compose
// file parsed (YAML merge keys resolved, as docker compose does).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

export const repoRoot = path.resolve(__dirname, '../..');
export const devcontainerDir = path.join(repoRoot, '.devcontainer');
export const clusterDir = path.join(devcontainerDir, 'cluster');
/** Where the compose file mounts .devcontainer/cluster in every cluster container. */
export const clusterMount = '/opt/slurm-workbench/cluster';

/** JSON with // and /* comments and trailing commas, as devcontainer.json allows (strings respected). */
export function parseJsonc(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
      if (i === 0) throw new Error('unterminated /* comment');
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}

export function readCompose(): unknown {
  return parse(readFileSync(path.join(devcontainerDir, 'docker-compose.yml'), 'utf8'), { merge: true });
}

/** The roles `entrypoint.sh` knows: the labels of its final `case $role in`. */
export function entrypointRoles(): string[] {
  const text = readFileSync(path.join(clusterDir, 'entrypoint.sh'), 'utf8');
  const body = text.slice(text.lastIndexOf('case $role in'));
  return [...body.matchAll(/^ {2}([a-z0-9]+)\)$/gm)].map((m) => m[1]);
}

/** `SW_NODES=(node1 node2 ...)` and `: "${SW_SSH_PORT:=2222}"`-style defaults from lib.sh. */
export function libDefaults(): { nodes: string[]; vars: Record<string, string> } {
  const text = readFileSync(path.join(clusterDir, 'lib.sh'), 'utf8');
  const nodes = /^SW_NODES=\(([^)]*)\)$/m.exec(text)?.[1].trim().split(/\s+/) ?? [];
  const vars: Record<string, string> = {};
  for (const m of text.matchAll(/^: "\$\{(SW_\w+):?=([^}]*)\}"$/gm)) vars[m[1]] = m[2];
  return { nodes, vars };
}
