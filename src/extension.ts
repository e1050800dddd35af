/**
 * The full bundle's activation, run by the entry point (entry.ts) at the first use of a command, a
 * view or a `slurm:` file: build the services explicitly, give the entry's views, commands and file
 * system their providers and handlers, push every disposable. Nothing here polls or connects until
 * the Jobs view is shown or a command runs.
 */
import * as vscode from 'vscode';
import { commandList } from './commands';
import { registerResources } from './commands/resourcesFeature';
import { registerLogs } from './vscode/logFeature';
import { registerPortForwards } from './vscode/portForwardFeature';
import { registerRemoteFiles } from './vscode/remoteFileSystem';
import { parseProfiles, type Profile } from './config/profile';
import { pollerTiming } from './session/pollerTiming';
import { Configuration } from './vscode/configuration';
import type { ClusterSessionOptions } from './session/clusterSession';
import { logger } from './core/logger';
import type { SlurmWorkbenchApi } from './api';
import type { EntryHost } from './vscode/entryHost';
import { ClusterFacts } from './vscode/clusterFacts';
import { renderTree } from './views/renderTree';
import { ClusterSession } from './session/clusterSession';
import type { SessionSpec } from './session/sessionRegistry';
import { OnDemandSessionRegistry } from './vscode/onDemandRegistry';
import { createTransport } from './transport/factory';
import { VscodeAuthPrompter } from './vscode/authPrompter';
import { VscodeSecretStore } from './vscode/secretStore';
import type { Services } from './vscode/services';
import { JobsStatusBar } from './views/statusBar';
import { registerJobsFeature } from './commands/jobsFeature';
import { registerSubmit } from './commands/submitFeature';
import { registerWorkflows } from './commands/workflowsFeature';
import { registerTerminals } from './commands/terminalsFeature';
import { JobHistory } from './session/jobHistory';
import { EfficiencyMemory } from './session/efficiency';
import { SubmitForms } from './vscode/submitFormPanel';
import { JobsTreeProvider } from './views/jobsTree';
import { migrateFollowAfterSubmit } from './vscode/settingsMigration';

export function activate(context: vscode.ExtensionContext, entry: EntryHost): SlurmWorkbenchApi {
  const started = performance.now();
  const channel = vscode.window.createOutputChannel('Slurm Workbench', { log: true });
  context.subscriptions.push(channel);
  logger.setSink({ log: (level, message) => channel[level](message) });

  // Settings are read and validated at their first use, not during activation (configuration.ts).
  const configuration = new Configuration();
  context.subscriptions.push(configuration);
  const currentSettings = () => configuration.settings;
  const commandTimeoutMs = (): number => currentSettings().commandTimeoutSeconds * 1000;
  let profilesApplied = false;
  const history = new JobHistory(context.globalState);
  const efficiency = new EfficiencyMemory();
  // Sessions (logins, polling) start on first use after activation, not when a shell script activates us.
  let applyProfiles = (): void => {};
  const registry = new OnDemandSessionRegistry(() => {
    if (!profilesApplied) applySettings();
    applyProfiles();
  });
  const prompter = new VscodeAuthPrompter();
  const secrets = new VscodeSecretStore(context.secrets);
  const tree = new JobsTreeProvider(registry, () => ({ groupBy: currentSettings()['jobs.groupBy'], sortBy: currentSettings()['jobs.sortBy'] }));
  const view = entry.treeView('slurm.jobs', tree);
  const statusBar = new JobsStatusBar(registry);
  context.subscriptions.push(registry, tree, view, statusBar);

  /** The profiles (and the settings they are run with) applied to the sessions; again after each change. */
  function applySettings(): void {
    profilesApplied = true;
    const profileSetting = configuration.profiles();
    configuration.announceIgnoredProfiles(profileSetting.ignored);
    const { profiles, problems } = parseProfiles(profileSetting.raw);
    configuration.report(problems.map((x) => x.message));
    void vscode.commands.executeCommand('setContext', 'slurm.profileCount', profiles.length);
    const optionsOf = (name: string): ClusterSessionOptions => sessionOptions(profiles.find((p) => p.name === name)?.pollIntervalSeconds);
    applyProfiles = () => registry.apply(
      profiles.map((profile): SessionSpec => ({
        name: profile.name,
        key: JSON.stringify(profile),
        create: () => createSession(profile),
      })),
      optionsOf,
    );
    if (registry.isStarted) applyProfiles();
  }

  const sessionOptions = (pollIntervalSeconds?: number): ClusterSessionOptions => ({
    timing: pollerTiming(currentSettings(), pollIntervalSeconds),
    commandTimeoutMs: commandTimeoutMs(),
    tracker: { historyDays: currentSettings()['jobs.historyDays'] },
  });
  const createSession = (profile: Profile): ClusterSession => {
    const transport = createTransport(profile, { prompter, secrets, logger }, { defaultTimeoutMs: commandTimeoutMs() });
    const since = Date.now() - currentSettings()['jobs.historyDays'] * 24 * 3600_000;
    return new ClusterSession(profile.name, transport, { ...sessionOptions(profile.pollIntervalSeconds), seedFinished: history.finishedSince(profile.name, since) });
  };

  // Poll only while someone looks: the view's visibility and the window's focus drive the pollers.
  registry.setVisible(view.visible);
  registry.setFocused(vscode.window.state.focused);
  context.subscriptions.push(
    view.onDidChangeVisibility((e) => registry.setVisible(e.visible)),
    vscode.window.onDidChangeWindowState((s) => registry.setFocused(s.focused)),
    // Also when the workspace became trusted: its own cluster profiles may apply now.
    configuration.onDidChange((e) => {
      applySettings();
      if (e.affects('jobs')) tree.refreshAll();
    }),
  );

  const services: Services = { context, entry, registry, channel, jobsTree: tree, jobsView: view, settings: currentSettings, commandTimeoutMs, configuration, efficiency, submitForms: new SubmitForms(context) };
  // Features build their controllers, views and providers; commands/index.ts lists the commands.
  const jobs = registerJobsFeature(services, history);
  const resources = registerResources(services);
  const logFeature = registerLogs(services);
  const submit = registerSubmit(services);
  const forwardFeature = registerPortForwards(services);
  const workflows = registerWorkflows(services);
  const terminals = registerTerminals(services);
  const remoteFiles = registerRemoteFiles(services);
  const logs = logFeature.api;
  const forwards = forwardFeature.api;
  entry.commands(commandList({ services, history, jobs, resources, submit, logs: logFeature.logs, forwards: forwardFeature.forwards, workflows, terminals }));
  // A job's item offers Stop Following / Stop Watching only while that is the case.
  tree.setMarks((cluster, jobId) => ({
    followed: logs.followed().some((f) => f.profileName === cluster && (f.jobId === jobId || f.jobId.startsWith(`${jobId}_`))),
    watched: history.isWatched(cluster, jobId),
    efficiency: efficiency.get(cluster, jobId),
  }));

  // Partitions, GRES and QOS for the #SBATCH help (registered by the entry) from a connected session.
  entry.sbatch.useFacts(new ClusterFacts(services, () => entry.sbatch.rediagnose()));
  void migrateFollowAfterSubmit(configuration);
  registry.arm();
  // The Jobs view showing is a use: its tree asks for the sessions anyway; say so here too.
  if (view.visible) registry.startNow();
  context.subscriptions.push(view.onDidChangeVisibility((e) => e.visible && registry.startNow()));
  // What activation cost, where a user (or the activation bench) can read it.
  const took = `activate() ${(performance.now() - started).toFixed(1)} ms; bundle load ${entry.load.loadMs.toFixed(1)} ms (code cache ${entry.load.codeCache})`;
  logger.info(`Slurm Workbench loaded (${took}); ${registry.isStarted ? `${registry.startedSessions().length} cluster session(s)` : 'cluster sessions start on first use'}`);
  return {
    snapshots: () => registry.all().map((s) => s.snapshot),
    refresh: async () => {
      await registry.refreshAll();
    },
    logs,
    forwards,
    terminals: terminals.terminals,
    remoteFiles,
    jobsTreeItems: () => renderTree(tree),
    statusBarText: () => statusBar.text,
  };
}

export function deactivate(): void {
  logger.setSink(undefined);
}
