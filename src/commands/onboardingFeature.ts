/** Onboarding: the sample scripts and the bundled cluster's set-up, used by the walkthrough. */
import * as vscode from 'vscode';
import type { Services } from '../vscode/services';
import { openSampleCommand } from './openSample';
import { setupBundledClusterCommand } from './setupBundledCluster';

export function registerOnboarding(services: Services): void {
  services.context.subscriptions.push(
    vscode.commands.registerCommand('slurm.openSample', openSampleCommand(services)),
    vscode.commands.registerCommand('slurm.setupBundledCluster', setupBundledClusterCommand(services)),
  );
}
