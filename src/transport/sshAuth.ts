/**
 * Drives ssh2's `authHandler` for one endpoint: each method is tried at most once per connection
 * attempt, in OpenSSH's order (publickey via agent, then key files, then keyboard-interactive,
 * then password), and only when the server offers it. Nothing here loops: an auth failure ends
 * the attempt, so a site's lockout counter is never fed automatically.
 *
 * `IdentitiesOnly yes`: the agent offers only the keys that are one of the endpoint's identity
 * files (matched by public key; see identityAgent.ts), never its others; a file whose key the
 * agent already offered is not offered a second time.
 */
import { readFile } from 'node:fs/promises';
import { utils, type AuthHandlerMiddleware, type NextAuthHandler } from 'ssh2';
import type { SshEndpoint } from '../config/profile';
import { UserFacingError } from '../core/errors';
import { passphraseSecretKey, passwordSecretKey, type AuthTarget, type TransportDeps } from './auth';
import { IdentityFilteringAgent, identityPublicBlob } from './identityAgent';

export class AuthFailedError extends UserFacingError {
  constructor(message: string, hint: string) {
    super(message, hint);
    this.name = 'AuthFailedError';
  }
}

/** The user dismissed a login prompt. Not retried either. */
export class AuthCancelledError extends UserFacingError {
  constructor(target: string) {
    super(`Login to ${target} was cancelled.`, 'Connect again when you are ready to log in.');
    this.name = 'AuthCancelledError';
  }
}

type AuthConfig = Exclude<Parameters<NextAuthHandler>[0], string>;
/** ssh2 accepts `false` ("stop") though its typings do not say so. */
const STOP = false as unknown as AuthConfig;
type Step = (methodsLeft: readonly string[]) => Promise<AuthConfig | undefined>;

export interface AuthSession {
  handler: AuthHandlerMiddleware;
  /** Called on 'ready': stores the secret that worked (if remembering is on). */
  onSuccess(): Promise<void>;
  /** Turns ssh2's generic failure into an error that says what was tried and what to do. */
  describeFailure(): UserFacingError;
  /** Prompts pause the connect timeout: a person typing a 2FA code is not a dead server. */
  onPromptStart?: () => void;
  onPromptEnd?: () => void;
}

export interface AuthSessionOptions {
  endpoint: SshEndpoint;
  deps: TransportDeps;
  profileName: string;
  rememberSecrets: boolean;
}

export function createAuthSession(opts: AuthSessionOptions): AuthSession {
  const { endpoint, deps, profileName } = opts;
  const target: AuthTarget = {
    label: `${endpoint.user}@${endpoint.host}:${endpoint.port}`,
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
  };
  const username = endpoint.user;
  const tried: string[] = [];
  let cancelled = false;
  let offered: readonly string[] = [];
  let storedPasswordFailed = false;
  const pendingSecrets: { key: string; value: string }[] = [];
  const missingKeyFiles: string[] = [];

  const session: AuthSession = {
    handler: () => undefined,
    async onSuccess() {
      if (!opts.rememberSecrets) return;
      for (const s of pendingSecrets) await deps.secrets.store(s.key, s.value);
    },
    describeFailure() {
      if (cancelled) return new AuthCancelledError(target.label);
      const methods = offered.length > 0 ? offered.join(', ') : 'unknown';
      if (tried.length === 0) {
        const why = missingKeyFiles.length > 0 ? ` Key file not found: ${missingKeyFiles.join(', ')}.` : '';
        return new AuthFailedError(
          `Could not log in to ${target.label}: none of the allowed methods could be tried (server allows: ${methods}; profile auth: ${endpoint.auth}).${why}`,
          'Set the profile\'s "auth" and "identityFile" to a method the server accepts, or load your key into ssh-agent.',
        );
      }
      return new AuthFailedError(
        `Could not log in to ${target.label}: the server rejected ${tried.join(', ')}.` +
          (storedPasswordFailed ? ' The saved password was wrong and has been forgotten.' : ''),
        'Check the user name, key or password, then connect again. It is not retried automatically, so failed attempts cannot lock your account.',
      );
    },
  };

  const prompting = async <T>(fn: () => Promise<T>): Promise<T> => {
    session.onPromptStart?.();
    try {
      return await fn();
    } finally {
      session.onPromptEnd?.();
    }
  };

  const allows = (m: string): boolean => offered.includes(m);
  const wants = (...methods: string[]): boolean => endpoint.auth === 'auto' || methods.includes(endpoint.auth);

  const steps: Step[] = [];
  // First a "none" request: the server answers with the methods it allows, so nothing is
  // prompted for a method the server would refuse anyway.
  steps.push(async () => ({ type: 'none', username }));

  // IdentitiesOnly: each identity file's public key, read once (from <file>.pub or the key itself).
  let identityBlobs: Promise<Map<string, Buffer | undefined>> | undefined;
  const publicBlobs = (): Promise<Map<string, Buffer | undefined>> =>
    (identityBlobs ??= Promise.all(endpoint.identityFiles.map(async (f) => [f, await identityPublicBlob(f)] as const)).then((pairs) => new Map(pairs)));
  const offeredByAgent: Buffer[] = [];

  if (wants('agent') && endpoint.agentSocket) {
    const agentSocket = endpoint.agentSocket;
    steps.push(async () => {
      if (!allows('publickey')) return undefined;
      if (!endpoint.identitiesOnly) {
        tried.push('ssh-agent keys');
        return { type: 'agent', username, agent: agentSocket };
      }
      const blobs = [...(await publicBlobs()).values()].filter((b): b is Buffer => b !== undefined);
      if (blobs.length === 0) return undefined;
      const agent = new IdentityFilteringAgent(agentSocket, blobs);
      let keys: Awaited<ReturnType<IdentityFilteringAgent['matchingKeys']>>;
      try {
        keys = await agent.matchingKeys();
      } catch (err) {
        deps.logger.warn(`[${target.label}] ssh-agent (${agentSocket}) could not list its keys: ${(err as Error).message}`);
        return undefined;
      }
      if (keys.length === 0) {
        deps.logger.info(`[${target.label}] IdentitiesOnly: ssh-agent holds none of the identity files, so none of its keys is offered.`);
        return undefined;
      }
      for (const k of keys) offeredByAgent.push(k.blob);
      tried.push('ssh-agent key of the identity file (IdentitiesOnly)');
      return { type: 'agent', username, agent };
    });
  }

  if (wants('key')) {
    for (const file of endpoint.identityFiles) {
      steps.push(async () => {
        if (!allows('publickey')) return undefined;
        if (endpoint.identitiesOnly && offeredByAgent.length > 0) {
          const blob = (await publicBlobs()).get(file);
          if (blob && offeredByAgent.some((b) => b.equals(blob))) return undefined; // the agent already offered this key
        }
        let data: Buffer;
        try {
          data = await readFile(file);
        } catch {
          if (endpoint.explicitIdentity) missingKeyFiles.push(file);
          return undefined;
        }
        const key = await unlockKey(file, data);
        if (!key) return undefined;
        tried.push(`key ${file}`);
        return { type: 'publickey', username, key: data, passphrase: key.passphrase } as AuthConfig;
      });
    }
  }

  const askPasswordOnce = async (): Promise<string | undefined> => {
    const secretKey = passwordSecretKey(profileName, target);
    const stored = await deps.secrets.get(secretKey);
    if (stored !== undefined) {
      deps.logger.addSecret(stored);
      // If the saved password is rejected it is forgotten, so the next (user-initiated)
      // connect asks for it again.
      usedStoredPassword = secretKey;
      return stored;
    }
    const typed = await prompting(() => deps.prompter.askPassword(target));
    if (typed === undefined) {
      cancelled = true;
      return undefined;
    }
    deps.logger.addSecret(typed);
    pendingSecrets.push({ key: secretKey, value: typed });
    return typed;
  };
  let usedStoredPassword: string | undefined;
  let keyboardInteractiveTried = false;

  if (wants('keyboard-interactive', 'password')) {
    steps.push(async () => {
      if (!allows('keyboard-interactive')) return undefined;
      // With auth "password", the password method is used when offered; on a PAM-only server the
      // single "Password:" round is answered with the password instead. Every other round (and
      // every round in other modes) goes to the user.
      const passwordMode = endpoint.auth === 'password';
      if (passwordMode && allows('password')) return undefined;
      keyboardInteractiveTried = true;
      tried.push('keyboard-interactive');
      return {
        type: 'keyboard-interactive',
        username,
        prompt: (name, instructions, _lang, prompts, finish) => {
          void (async () => {
            if (cancelled) return finish([]);
            const list = prompts.map((p) => ({ prompt: p.prompt, echo: p.echo ?? false }));
            let answers: string[] | undefined;
            if (passwordMode && list.length === 1 && !list[0].echo && /password/i.test(list[0].prompt)) {
              answers = await askPasswordOnce().then((p) => (p === undefined ? undefined : [p]));
            } else {
              answers = await prompting(() => deps.prompter.keyboardInteractive(target, name, instructions, list));
            }
            if (answers === undefined) {
              cancelled = true;
              return finish([]);
            }
            for (const a of answers) deps.logger.addSecret(a);
            finish(answers);
          })().catch(() => {
            cancelled = true;
            finish([]);
          });
        },
      };
    });
  }

  if (wants('password')) {
    steps.push(async () => {
      // Both usually sit on the same PAM stack: after a failed keyboard-interactive login, a
      // password attempt would only add one more failure towards a lockout.
      if (!allows('password') || cancelled || keyboardInteractiveTried) return undefined;
      const password = await askPasswordOnce();
      if (password === undefined) return undefined;
      tried.push('password');
      return { type: 'password', username, password };
    });
  }

  async function unlockKey(file: string, data: Buffer): Promise<{ passphrase?: string } | undefined> {
    const plain = utils.parseKey(data);
    if (!(plain instanceof Error)) return {};
    if (!/encrypted|passphrase/i.test(plain.message)) {
      deps.logger.warn(`Skipping ${file}: ${plain.message}`);
      return undefined;
    }
    const secretKey = passphraseSecretKey(file);
    const stored = await deps.secrets.get(secretKey);
    if (stored !== undefined) {
      deps.logger.addSecret(stored);
      if (!(utils.parseKey(data, stored) instanceof Error)) return { passphrase: stored };
      await deps.secrets.delete(secretKey);
    }
    // A wrong passphrase is checked locally (no server attempt), so asking again is safe.
    for (let i = 0; i < 3; i++) {
      const typed = await prompting(() => deps.prompter.askPassphrase(file, target));
      if (typed === undefined) {
        if (endpoint.auth === 'key') cancelled = true;
        return undefined;
      }
      deps.logger.addSecret(typed);
      if (!(utils.parseKey(data, typed) instanceof Error)) {
        pendingSecrets.push({ key: secretKey, value: typed });
        return { passphrase: typed };
      }
      deps.logger.warn(`Wrong passphrase for ${file}.`);
    }
    return undefined;
  }

  let index = 0;
  session.handler = (methodsLeft, _partial, callback) => {
    if (methodsLeft) offered = methodsLeft;
    void (async () => {
      while (index < steps.length && !cancelled) {
        const step = steps[index++];
        const next = await step(offered);
        if (next) return callback(next);
      }
      if (usedStoredPassword !== undefined && !cancelled) {
        storedPasswordFailed = true;
        await deps.secrets.delete(usedStoredPassword);
      }
      callback(STOP);
    })().catch((err: unknown) => {
      deps.logger.error(`Authentication step failed: ${(err as Error).message}`);
      callback(STOP);
    });
  };
  return session;
}
