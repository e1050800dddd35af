/**
 * AuthPrompter over VS Code UI: masked input boxes for secrets, one box per keyboard-interactive
 * prompt (2FA codes; a prompt-less round such as a Duo push message is shown as a notification),
 * and a modal warning for unknown host keys. Thin on purpose: the decisions live in src/transport.
 */
import * as vscode from 'vscode';
import type { AuthPrompter, AuthTarget, KeyboardInteractivePrompt } from '../transport/auth';

export class VscodeAuthPrompter implements AuthPrompter {
  async askPassword(target: AuthTarget): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: `Slurm: password for ${target.label}`,
      prompt: `Password of ${target.user} on ${target.host}`,
      password: true,
      ignoreFocusOut: true,
    });
  }

  async askPassphrase(keyFile: string, target: AuthTarget): Promise<string | undefined> {
    return vscode.window.showInputBox({
      title: `Slurm: passphrase for ${keyFile}`,
      prompt: `Unlock the key to log in to ${target.label}`,
      password: true,
      ignoreFocusOut: true,
    });
  }

  async keyboardInteractive(
    target: AuthTarget,
    name: string,
    instructions: string,
    prompts: readonly KeyboardInteractivePrompt[],
  ): Promise<string[] | undefined> {
    const title = `Slurm: ${name.trim() || 'login'} — ${target.label}`;
    if (prompts.length === 0) {
      // An informational round (e.g. "Duo push sent"): show it, nothing to answer.
      if (instructions.trim()) void vscode.window.showInformationMessage(`${title}: ${instructions.trim()}`);
      return [];
    }
    const answers: string[] = [];
    for (const [i, p] of prompts.entries()) {
      const answer = await vscode.window.showInputBox({
        title: prompts.length > 1 ? `${title} (${i + 1}/${prompts.length})` : title,
        prompt: [instructions.trim(), p.prompt.trim()].filter((s) => s.length > 0).join(' — '),
        password: !p.echo,
        ignoreFocusOut: true,
      });
      if (answer === undefined) return undefined;
      answers.push(answer);
    }
    return answers;
  }

  async confirmUnknownHostKey(host: string, port: number, keyType: string, fingerprint: string): Promise<boolean> {
    const accept = 'Trust and Connect';
    const where = port === 22 ? host : `${host}:${port}`;
    const choice = await vscode.window.showWarningMessage(
      `The authenticity of ${where} can't be established.`,
      {
        modal: true,
        detail: `${keyType} key fingerprint is ${fingerprint}.\n\nCompare it with the fingerprint your cluster's administrators publish. Trusting it records the key in known_hosts.`,
      },
      accept,
    );
    return choice === accept;
  }
}
