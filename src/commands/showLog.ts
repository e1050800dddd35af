import type * as vscode from 'vscode';

export function showLogCommand(channel: vscode.OutputChannel) {
  return (): void => channel.show(true);
}
