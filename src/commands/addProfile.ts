/**
 * slurm.addProfile: pick a host from ~/.ssh/config (or type one, or choose "this machine"), name it,
 * and append it to `slurm.profiles` in user settings. Secrets are never asked for here: they are
 * requested when connecting and kept in SecretStorage.
 */
import * as vscode from 'vscode';
import { suggestProfileName } from '../config/profileName';
import { listConcreteHosts, loadSshConfig } from '../config/sshConfig';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import type { Configuration } from '../vscode/configuration';

interface HostPick extends vscode.QuickPickItem {
  value: { kind: 'ssh'; host: string } | { kind: 'local' } | { kind: 'manual' };
}

export function addProfileCommand(configuration: Configuration) {
  return async (): Promise<void> => {
    let hosts: string[] = [];
    try {
      hosts = listConcreteHosts(loadSshConfig());
    } catch (err) {
      logger.warn(`Could not read ~/.ssh/config: ${errorMessage(err)}`);
    }
    const picks: HostPick[] = [
      ...hosts.map((h): HostPick => ({ label: `$(remote) ${h}`, description: 'from ~/.ssh/config', value: { kind: 'ssh', host: h } })),
      { label: '$(edit) Enter a host…', value: { kind: 'manual' } },
      { label: '$(vm) This machine', description: 'run Slurm commands locally (VS Code on the login node)', value: { kind: 'local' } },
    ];
    const pick = await vscode.window.showQuickPick(picks, { title: 'Add Slurm Cluster Profile', placeHolder: 'Where does the cluster run?' });
    if (!pick) return;

    const existing = (configuration.raw<unknown[]>('profiles') ?? []).filter((p): p is { name: string } => typeof (p as { name?: unknown })?.name === 'string');
    const taken = existing.map((p) => p.name);
    const profile: Record<string, unknown> = {};
    let suggestedName = suggestProfileName({ host: 'local', fromSshConfig: true }, taken);
    if (pick.value.kind === 'local') {
      profile.kind = 'local';
    } else {
      let host = pick.value.kind === 'ssh' ? pick.value.host : undefined;
      if (!host) {
        host = await vscode.window.showInputBox({
          title: 'Add Slurm Cluster Profile: host',
          prompt: 'Login node as [user@]host[:port]',
          placeHolder: 'alice@login.hpc.example.org',
          validateInput: (v) => (/^[^\s@]+@?[^\s@:]*(:\d+)?$/.test(v.trim()) ? undefined : 'Use [user@]host[:port], without spaces'),
        });
        if (!host) return;
        const m = /^(?:([^@]+)@)?([^:]+)(?::(\d+))?$/.exec(host.trim());
        if (!m) return;
        if (m[1]) profile.user = m[1];
        if (m[3]) profile.port = Number(m[3]);
        host = m[2];
      }
      profile.kind = 'ssh';
      profile.host = host;
      suggestedName = suggestProfileName({ host, user: profile.user as string | undefined, fromSshConfig: pick.value.kind === 'ssh' }, taken);
    }
    const name = await vscode.window.showInputBox({
      title: 'Add Slurm Cluster Profile: name',
      prompt: 'A short name shown in the Jobs view',
      value: suggestedName,
      validateInput: (v) => (!v.trim() ? 'Enter a name' : existing.some((p) => p.name === v.trim()) ? `A profile named "${v.trim()}" exists already` : undefined),
    });
    if (!name) return;
    // Appended to the user's own list: a workspace's profiles (get() may return them) never move into user settings.
    const own = configuration.inspect<unknown[]>('profiles').globalValue;
    await configuration.update('profiles', [...(Array.isArray(own) ? own : []), { name: name.trim(), ...profile }], 'global');
    void vscode.window.showInformationMessage(`Slurm profile "${name.trim()}" added.`);
  };
}
