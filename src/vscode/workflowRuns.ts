/**
 * The Workflows view: runs (kept in extension storage, so they survive a reload) and their steps,
 * each step's state taken from the existing poll's rows (no extra squeue). The last state seen of
 * each job is kept too, so a step whose job has left the poll still says how it ended.
 */
import * as vscode from 'vscode';
import { Disposable } from '../core/disposable';
import type { SessionRegistry } from '../session/sessionRegistry';
import { parseStoredRuns, runKey, type RunStep, type WorkflowRun } from '../workflow/runRecord';
import { stepActions, stepTone } from '../workflow/graphView';
import { describeStepState, stepStateFromRows, summariseRun, type SeenState } from '../workflow/stepState';
import { isFailedState } from '../workflow/retryPlan';

const RUNS_KEY = 'slurm.workflows.runs';
const SEEN_KEY = 'slurm.workflows.seenStates';
const MAX_RUNS = 30;

export type WorkflowNode = { kind: 'run'; run: WorkflowRun } | { kind: 'step'; run: WorkflowRun; step: RunStep };

export class WorkflowRunsProvider extends Disposable implements vscode.TreeDataProvider<WorkflowNode> {
  private readonly changed = this._register(new vscode.EventEmitter<WorkflowNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private runs: WorkflowRun[];
  private seen: Record<string, SeenState>;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly registry: SessionRegistry,
  ) {
    super();
    this.runs = parseStoredRuns(memento.get(RUNS_KEY));
    const rawSeen = memento.get<Record<string, SeenState>>(SEEN_KEY);
    this.seen = rawSeen && typeof rawSeen === 'object' ? rawSeen : {};
    this._register(registry.onDidChange(() => this.takeStates()));
    this.takeStates();
  }

  all(): readonly WorkflowRun[] {
    return this.runs;
  }

  async save(run: WorkflowRun): Promise<void> {
    this.runs = [run, ...this.runs.filter((r) => runKey(r) !== runKey(run))].slice(0, MAX_RUNS);
    await this.memento.update(RUNS_KEY, this.runs);
    this.changed.fire(undefined);
  }

  async forget(run: WorkflowRun): Promise<void> {
    this.runs = this.runs.filter((r) => runKey(r) !== runKey(run));
    await this.memento.update(RUNS_KEY, this.runs);
    this.changed.fire(undefined);
  }

  stateOf(step: RunStep): SeenState | undefined {
    return this.seen[String(step.jobId)];
  }

  /** Step name → long state name, for Retry Failed. */
  statesOf(run: WorkflowRun): Map<string, string | undefined> {
    return new Map(run.steps.map((s) => [s.name, this.stateOf(s)?.state]));
  }

  /** States read from Slurm just now (Retry Failed): the view and the graph show them at once. */
  takeFresh(seen: ReadonlyMap<number, SeenState>): void {
    let any = false;
    for (const [jobId, now] of seen) {
      const before = this.seen[String(jobId)];
      if (now.state !== before?.state || now.reason !== before?.reason) {
        this.seen[String(jobId)] = now;
        any = true;
      }
    }
    if (!any) return;
    void this.memento.update(SEEN_KEY, this.seen);
    this.changed.fire(undefined);
  }

  private takeStates(): void {
    let any = false;
    for (const run of this.runs) {
      const rows = this.registry.get(run.profile)?.snapshot.jobs ?? [];
      for (const step of run.steps) {
        const now = stepStateFromRows(step.jobId, rows);
        const before = this.seen[String(step.jobId)];
        if (now && (now.state !== before?.state || now.reason !== before?.reason)) {
          this.seen[String(step.jobId)] = now;
          any = true;
        }
      }
    }
    if (!any) return;
    const live = new Set(this.runs.flatMap((r) => r.steps.map((s) => String(s.jobId))));
    this.seen = Object.fromEntries(Object.entries(this.seen).filter(([id]) => live.has(id)));
    void this.memento.update(SEEN_KEY, this.seen);
    this.changed.fire(undefined);
  }

  getTreeItem(node: WorkflowNode): vscode.TreeItem {
    if (node.kind === 'run') {
      const states = node.run.steps.map((s) => this.stateOf(s));
      const item = new vscode.TreeItem(`${node.run.workflow} ${node.run.runId}`, vscode.TreeItemCollapsibleState.Expanded);
      item.description = `${node.run.profile} · ${summariseRun(states)}`;
      item.tooltip = `Run ${node.run.runId} of ${node.run.workflow} on ${node.run.profile}, started ${node.run.startedAt}\nFolder: ${node.run.remoteDir}`;
      const failed = states.some((s) => isFailedState(s?.state));
      item.contextValue = failed ? 'workflowRun.failed' : 'workflowRun';
      item.iconPath = new vscode.ThemeIcon(failed ? 'error' : states.every((s) => s?.state === 'COMPLETED') ? 'pass' : 'type-hierarchy');
      return item;
    }
    const seen = this.stateOf(node.step);
    const item = new vscode.TreeItem(node.step.name, vscode.TreeItemCollapsibleState.None);
    item.description = `${node.step.jobId} · ${describeStepState(seen)}`;
    const deps = node.step.dependsOn.map((d) => (d.kind === 'afterok' ? d.step : `${d.step} (${d.kind})`)).join(', ');
    item.tooltip = `Job ${node.step.jobId} (${node.run.workflow}.${node.run.runId}.${node.step.name})${deps ? `\nWaits for: ${deps}` : ''}${node.step.previousJobIds.length ? `\nEarlier jobs: ${node.step.previousJobIds.join(', ')}` : ''}`;
    // `workflowStep.<state>` and, while the job has not ended, `.cancellable` (menus offer Cancel Step).
    const cancellable = stepActions(node.step.jobId, stepTone(seen)).includes('cancelStep');
    item.contextValue = `workflowStep.${(seen?.state.split(' ')[0] ?? 'unknown').toLowerCase()}${cancellable ? '.cancellable' : ''}`;
    item.iconPath = new vscode.ThemeIcon(stepIcon(seen));
    return item;
  }

  getChildren(node?: WorkflowNode): WorkflowNode[] {
    if (!node) return this.runs.map((run) => ({ kind: 'run', run }));
    if (node.kind === 'run') return node.run.steps.map((step) => ({ kind: 'step', run: node.run, step }));
    return [];
  }
}

function stepIcon(seen: SeenState | undefined): string {
  if (!seen) return 'circle-outline';
  if (seen.state === 'COMPLETED') return 'pass';
  if (isFailedState(seen.state)) return 'error';
  if (seen.reason === 'DependencyNeverSatisfied') return 'debug-disconnect';
  if (seen.state === 'RUNNING') return 'sync';
  return 'clock';
}
