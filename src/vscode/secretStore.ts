/** SecretStore over VS Code's SecretStorage (the OS keychain): passwords and passphrases only. */
import type * as vscode from 'vscode';
import type { SecretStore } from '../transport/auth';

export class VscodeSecretStore implements SecretStore {
  constructor(private readonly storage: vscode.SecretStorage) {}

  async get(key: string): Promise<string | undefined> {
    return this.storage.get(key);
  }

  async store(key: string, value: string): Promise<void> {
    await this.storage.store(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.storage.delete(key);
  }
}
