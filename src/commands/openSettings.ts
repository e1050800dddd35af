import * as vscode from 'vscode';

export function openSettingsCommand() {
  return async (): Promise<void> => {
    await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:slurm-workbench.slurm-workbench');
  };
}
