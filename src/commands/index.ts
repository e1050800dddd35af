/**
 * The command list (issue 22, point 3): command id → handler, one flat list, registered in one
 * place. A handler is built by its command's own file (one command per file) from what it needs:
 * the services, or a feature's controller that activation built first (logs, forwards). Commands
 * sit above the features and vscode/ adapters (ARCHITECTURE.md), so no feature imports its
 * commands back. Building the list creates closures only: nothing here loads, reads or connects.
 */
import * as vscode from 'vscode';
import type { LogsController } from '../vscode/logFeature';
import type { PortForwards } from '../vscode/portForwardFeature';
import type { Services } from '../vscode/services';
import { addProfileCommand } from './addProfile';
import { followLogCommand } from './followLog';
import { forwardPortCommand } from './forwardPort';
import { listForwardsCommand } from './listForwards';
import { openForwardedLinkCommand } from './openForwardedLink';
import { openJobFolderCommand } from './openJobFolder';
import { openLogCommand } from './openLog';
import { openSettingsCommand } from './openSettings';
import { refreshCommand } from './refresh';
import { showLogCommand } from './showLog';
import { stopFollowingCommand } from './stopFollowing';

/** A command's handler as VS Code calls it: with the arguments of the menu or the caller. */
export type CommandHandler = (...args: never[]) => unknown;
export type CommandEntry = readonly [id: string, handler: CommandHandler];

/** What the handlers are built from: the services, and the features built before the commands. */
export interface CommandDeps {
  services: Services;
  logs: LogsController;
  forwards: PortForwards;
}

/** Every command in the list, in the order of the Command Palette's categories. */
export function commandList({ services, logs, forwards }: CommandDeps): CommandEntry[] {
  const { registry } = services;
  return [
    // Jobs view and general
    ['slurm.refresh', refreshCommand(registry)],
    ['slurm.addProfile', addProfileCommand(services.configuration)],
    ['slurm.openSettings', openSettingsCommand()],
    ['slurm.showLog', showLogCommand(services.channel)],
    // Logs
    ['slurm.followLog', followLogCommand(logs, registry)],
    ['slurm.openStdout', openLogCommand(logs, registry, 'stdout')],
    ['slurm.openStderr', openLogCommand(logs, registry, 'stderr')],
    ['slurm.stopFollowingLog', stopFollowingCommand(logs)],
    // Forwarded ports
    ['slurm.forwardPort', forwardPortCommand(services, forwards)],
    ['slurm.listForwards', listForwardsCommand(forwards)],
    ['slurm.openForwardedLink', openForwardedLinkCommand(forwards)],
    // Remote files
    ['slurm.openJobFolder', openJobFolderCommand(services)],
  ];
}

/** Registers every command of the list; each registration is disposed with the extension. */
export function registerCommands(context: vscode.ExtensionContext, list: readonly CommandEntry[]): void {
  for (const [id, handler] of list) context.subscriptions.push(vscode.commands.registerCommand(id, handler));
}
