/**
 * ~/.ssh/config resolution through the `ssh-config` package (a maintained parser; we never parse
 * ssh_config by hand). The package computes Host/Match blocks but does not follow `Include`, so
 * Include lines are expanded here first, textually, the way OpenSSH reads them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { quoteArg } from '../core/shellQuote';
import type * as SshConfigLib from 'ssh-config' with { 'resolution-mode': 'import' };

// ssh-config ships ESM types but also a CommonJS build; this package is CommonJS, so load it with
// require (esbuild bundles it) and borrow the types from the ESM declaration.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SSHConfig, LineType } = require('ssh-config') as typeof SshConfigLib;
type SSHConfig = SshConfigLib.SSHConfig;

/** What one Host alias resolves to. Values that ssh_config leaves unset stay undefined. */
export interface SshHostConfig {
  /** The alias asked for (ssh's %n). */
  alias: string;
  hostName: string;
  port?: number;
  user?: string;
  /** Expanded IdentityFile paths, in config order. */
  identityFiles: string[];
  /**
   * ProxyJump value as written ("a,b"); hops are resolved by the caller. ProxyJump and
   * ProxyCommand exclude each other: the one seen first wins, as in OpenSSH, so at most one of
   * the two is set ("none" for the first one seen leaves both unset: a direct connection).
   */
  proxyJump?: string;
  /** ProxyCommand as written, tokens not yet expanded (see expandProxyCommand). */
  proxyCommand?: string;
  /** `ProxyUseFdpass yes`: the command would hand over a socket instead of relaying bytes. */
  proxyUseFdpass: boolean;
  /** HostKeyAlias: the name the host key is looked up and recorded under. */
  hostKeyAlias?: string;
  /** UserKnownHostsFile list: undefined when unset (the caller applies the default), [] for `none`. */
  userKnownHostsFiles?: string[];
  /** GlobalKnownHostsFile list: undefined when unset (the caller applies the default), [] for `none`. */
  globalKnownHostsFiles?: string[];
  identityAgent?: string;
  /** When `IdentitiesOnly yes`, the agent's other keys should not be offered. */
  identitiesOnly: boolean;
}

export interface LoadedSshConfig {
  /** The config with every Include already spliced in. */
  config: SSHConfig;
  /** Files read, in order (the main file first); for diagnostics and file watching. */
  files: string[];
}

const MAX_INCLUDE_DEPTH = 16; // OpenSSH's READCONF_MAX_DEPTH

export function defaultSshConfigPath(home = homedir()): string {
  return join(home, '.ssh', 'config');
}

/** Reads and parses a config file; a missing file is an empty config. */
export function loadSshConfig(path = defaultSshConfigPath(), home = homedir()): LoadedSshConfig {
  const files: string[] = [];
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
    files.push(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const expanded = expandIncludes(text, { home, depth: 0, files });
  return { config: SSHConfig.parse(expanded), files };
}

export function parseSshConfig(text: string, home = homedir()): LoadedSshConfig {
  const files: string[] = [];
  return { config: SSHConfig.parse(expandIncludes(text, { home, depth: 0, files })), files };
}

interface IncludeContext {
  home: string;
  depth: number;
  files: string[];
}

const INCLUDE_LINE = /^\s*include(?:\s*=\s*|\s+)(.+?)\s*$/i;
const SECTION_LINE = /^\s*(host|match)(\s*=\s*|\s+)/i;

/**
 * Replaces each `Include` line with the contents of the files it names. An Include inside a Host
 * or Match block applies to that block only: after the included text, the block's header is
 * repeated so the lines that follow the Include stay in their block.
 */
function expandIncludes(text: string, ctx: IncludeContext): string {
  const out: string[] = [];
  let currentSection: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const include = INCLUDE_LINE.exec(line);
    if (!include) {
      if (SECTION_LINE.test(line)) currentSection = line.trim();
      out.push(line);
      continue;
    }
    if (ctx.depth >= MAX_INCLUDE_DEPTH) {
      throw new Error(`ssh config: Include nested more than ${MAX_INCLUDE_DEPTH} deep (a loop?)`);
    }
    for (const pattern of splitWords(include[1])) {
      for (const file of globFiles(resolveIncludePath(pattern, ctx.home))) {
        let included: string;
        try {
          included = readFileSync(file, 'utf8');
        } catch {
          continue; // OpenSSH skips unreadable includes silently
        }
        ctx.files.push(file);
        out.push(expandIncludes(included, { ...ctx, depth: ctx.depth + 1 }));
      }
    }
    if (currentSection) out.push(currentSection);
  }
  return out.join('\n');
}

function splitWords(value: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) words.push(m[1] ?? m[2]);
  return words;
}

function resolveIncludePath(pattern: string, home: string): string {
  const expanded = expandTilde(pattern, home);
  // Relative Include paths in a user config are relative to ~/.ssh (ssh_config(5)).
  return isAbsolute(expanded) ? expanded : join(home, '.ssh', expanded);
}

/** Expands glob characters (* ? [..]) segment by segment; results sorted like glob(3). */
function globFiles(pattern: string): string[] {
  const segments = pattern.split('/');
  let bases = [segments[0] === '' ? '/' : segments[0]];
  for (const segment of segments.slice(1)) {
    if (segment === '') continue;
    const next: string[] = [];
    for (const base of bases) {
      if (!/[*?[]/.test(segment)) {
        next.push(join(base, segment));
        continue;
      }
      const re = globSegmentToRegExp(segment);
      let names: string[];
      try {
        names = readdirSync(base);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (re.test(name)) next.push(join(base, name));
      }
    }
    bases = next;
  }
  return bases;
}

function globSegmentToRegExp(segment: string): RegExp {
  let re = '';
  for (const ch of segment) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[' || ch === ']') re += ch;
    else re += ch.replace(/[\\^$.|+(){}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function expandTilde(path: string, home = homedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

/**
 * Resolves an alias like `ssh -G alias` would for the fields we use. `%h`, `%p`, `%r`, `%n`,
 * `%u`, `%d` and `%%` are expanded in IdentityFile and UserKnownHostsFile.
 */
export function resolveSshHost(loaded: LoadedSshConfig, alias: string, home = homedir()): SshHostConfig {
  // matchExec: false — resolving a profile must never run commands from a config file.
  const computed = loaded.config.compute(alias, { ignoreCase: true, matchExec: false });
  const str = (key: string): string | undefined => {
    const v = computed[key];
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v[0] : v;
  };
  const list = (key: string): string[] => {
    const v = computed[key];
    if (v === undefined) return [];
    return Array.isArray(v) ? v : [v];
  };
  const hostName = expandHostNameTokens(str('hostname') ?? alias, alias);
  const portText = str('port');
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : undefined;
  // compute() fills User with the local user when the config sets none; keep "unset" visible.
  const user = hasDirective(loaded.config, 'user') ? str('user') : undefined;
  const localUser = safeLocalUser();
  const tokens = (p: string): string =>
    expandPercentTokens(p, { h: hostName, p: String(port ?? 22), r: user ?? localUser, n: alias, u: localUser, d: home });
  const proxy = firstProxyDirective(computed);
  const fileList = (key: string): string[] | undefined => {
    const files = list(key).flatMap((v) => v.split(/\s+/)).filter((v) => v.length > 0);
    if (files.length === 0) return undefined;
    return files.length === 1 && files[0].toLowerCase() === 'none' ? [] : files;
  };
  const hostKeyAlias = str('hostkeyalias');
  return {
    alias,
    hostName,
    port,
    user,
    identityFiles: list('identityfile').map((f) => expandTilde(tokens(f), home)),
    proxyJump: proxy?.kind === 'proxyjump' ? proxy.value : undefined,
    proxyCommand: proxy?.kind === 'proxycommand' ? proxy.value : undefined,
    proxyUseFdpass: (str('proxyusefdpass') ?? 'no').toLowerCase() === 'yes',
    hostKeyAlias: hostKeyAlias && hostKeyAlias.toLowerCase() !== 'none' ? hostKeyAlias : undefined,
    userKnownHostsFiles: fileList('userknownhostsfile')?.map((f) => expandTilde(tokens(f), home)),
    globalKnownHostsFiles: fileList('globalknownhostsfile')?.map((f) => expandTilde(f, home)),
    identityAgent: str('identityagent') ? expandTilde(tokens(str('identityagent') as string), home) : undefined,
    identitiesOnly: (str('identitiesonly') ?? 'no').toLowerCase() === 'yes',
  };
}

/**
 * OpenSSH keeps the first of ProxyJump/ProxyCommand it reads and ignores the other (readconf.c).
 * compute() records keys in the order they were first set, so the earlier key is the one ssh kept.
 */
function firstProxyDirective(computed: Record<string, string | string[]>): { kind: 'proxyjump' | 'proxycommand'; value: string } | undefined {
  for (const key of Object.keys(computed)) {
    const k = key.toLowerCase();
    if (k !== 'proxyjump' && k !== 'proxycommand') continue;
    const raw = computed[key];
    const value = (Array.isArray(raw) ? raw.join(' ') : raw).trim();
    if (value.length === 0 || value.toLowerCase() === 'none') return undefined;
    return { kind: k, value };
  }
  return undefined;
}

export interface ProxyCommandTokens {
  /** %h: the host name connected to (after HostName). */
  host: string;
  /** %p */
  port: number;
  /** %r: the remote user name. */
  user: string;
  /** %n: the name as given (the alias). */
  alias: string;
}

/**
 * Expands the tokens ssh_config(5) allows in ProxyCommand (%h %p %r %n %%). Each value is
 * shell-quoted where it is substituted (the command runs through /bin/sh), so a host or user
 * name can never add shell syntax; plain names stay unquoted and read like OpenSSH's. Any other
 * token is refused, as OpenSSH refuses it.
 */
export function expandProxyCommand(template: string, t: ProxyCommandTokens): string {
  const values: Record<string, string> = { h: t.host, p: String(t.port), r: t.user, n: t.alias };
  return template.replace(/%(.?)/g, (_m, token: string) => {
    if (token === '%') return '%';
    const value = values[token];
    if (value === undefined) {
      throw new Error(`ProxyCommand "${template}" uses the token %${token}; only %h, %p, %r, %n and %% are supported there.`);
    }
    return quoteArg(value);
  });
}

function hasDirective(config: SSHConfig, name: string): boolean {
  for (const line of config) {
    if (line.type !== LineType.DIRECTIVE) continue;
    if (line.param.toLowerCase() === name) return true;
    if ('config' in line && hasDirective(line.config, name)) return true;
  }
  return false;
}

function expandHostNameTokens(hostName: string, alias: string): string {
  return hostName.replace(/%(%|h)/g, (_m, t: string) => (t === '%' ? '%' : alias));
}

function expandPercentTokens(value: string, tokens: Record<string, string>): string {
  return value.replace(/%(.)/g, (m, t: string) => (t === '%' ? '%' : (tokens[t] ?? m)));
}

function safeLocalUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? '';
  }
}

/**
 * The concrete hosts a user could pick when adding a profile: every Host pattern without
 * wildcards or negation, in file order, without duplicates.
 */
export function listConcreteHosts(loaded: LoadedSshConfig): string[] {
  const seen = new Set<string>();
  for (const line of loaded.config) {
    if (line.type !== LineType.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const values = Array.isArray(line.value) ? line.value.map((v) => v.val) : [line.value];
    for (const v of values) {
      if (v.length === 0 || /[*?!]/.test(v)) continue;
      seen.add(v);
    }
  }
  return [...seen];
}

/** One `[user@]host[:port]` element of a ProxyJump list (ssh -J syntax, also ssh:// URIs). */
export interface JumpSpec {
  host: string;
  user?: string;
  port?: number;
}

export function parseJumpList(value: string): JumpSpec[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(parseJumpSpec);
}

export function parseJumpSpec(raw: string): JumpSpec {
  let rest = raw.startsWith('ssh://') ? raw.slice('ssh://'.length) : raw;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
  }
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    rest = bracketed[1];
    if (bracketed[2]) port = Number(bracketed[2]);
  } else {
    const m = /^([^:]+):(\d+)$/.exec(rest);
    if (m) {
      rest = m[1];
      port = Number(m[2]);
    }
  }
  if (rest.length === 0 || (port !== undefined && (port < 1 || port > 65535))) {
    throw new Error(`Invalid ProxyJump host "${raw}": expected [user@]host[:port].`);
  }
  return { host: rest, user, port };
}
