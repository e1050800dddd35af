/** Cluster profile commands: test connection, connect, disconnect, edit, remove. */
import * as vscode from 'vscode';
import type { Services } from '../vscode/services';
import { connectCommand, editProfileCommand, removeProfileCommand, testConnectionCommand } from './profileCommands';

export function registerProfileCommands(services: Services): void {
  const commands: [string, (...args: never[]) => unknown][] = [
    ['slurm.testConnection', testConnectionCommand(services)],
    ['slurm.connect', connectCommand(services, true)],
    ['slurm.disconnect', connectCommand(services, false)],
    ['slurm.editProfile', editProfileCommand()],
    ['slurm.removeProfile', removeProfileCommand(services)],
  ];
  services.context.subscriptions.push(...commands.map(([id, handler]) => vscode.commands.registerCommand(id, handler)));
}
