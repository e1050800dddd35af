/**
 * The small, VS Code-free interfaces the transport needs from its host: a way to ask the user
 * things (passwords, 2FA rounds, host keys) and a place for secrets. src/vscode adapts them to
 * input boxes and context.secrets; tests supply plain objects.
 */
import type { Logger } from '../core/logger';

export interface AuthTarget {
  /** Display name, e.g. "slurmuser@login.cluster:22". */
  label: string;
  host: string;
  port: number;
  user: string;
}

export interface KeyboardInteractivePrompt {
  prompt: string;
  /** False for secrets (the answer must be masked). */
  echo: boolean;
}

export interface AuthPrompter {
  /** Asks for the login password. undefined = the user cancelled. */
  askPassword(target: AuthTarget): Promise<string | undefined>;
  /** Asks for the passphrase of an encrypted private key. undefined = cancelled. */
  askPassphrase(keyFile: string, target: AuthTarget): Promise<string | undefined>;
  /**
   * One keyboard-interactive round (a server may send several: password, then a 2FA code; or a
   * Duo-style message with no prompt). Must return one answer per prompt, or undefined to cancel.
   */
  keyboardInteractive(
    target: AuthTarget,
    name: string,
    instructions: string,
    prompts: readonly KeyboardInteractivePrompt[],
  ): Promise<string[] | undefined>;
  /**
   * The host presented a key that no known_hosts file knows. Show the fingerprint; true records
   * the key and continues, false refuses the connection. Never called for a changed key.
   */
  confirmUnknownHostKey(host: string, port: number, keyType: string, fingerprint: string): Promise<boolean>;
}

/** VS Code's SecretStorage shape, without VS Code. */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  store(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface TransportDeps {
  prompter: AuthPrompter;
  secrets: SecretStore;
  logger: Logger;
}

/** Secret-store keys: per profile and purpose, never containing the secret itself. */
export function passwordSecretKey(profileName: string, target: AuthTarget): string {
  return `slurm.password/${profileName}/${target.user}@${target.host}:${target.port}`;
}

export function passphraseSecretKey(keyFile: string): string {
  return `slurm.passphrase/${keyFile}`;
}

/** A SecretStore that keeps nothing (tests, or when remembering is off). */
export const nullSecretStore: SecretStore = {
  get: () => Promise.resolve(undefined),
  store: () => Promise.resolve(),
  delete: () => Promise.resolve(),
};
