/**
 * The workflow graph: a webview panel drawing a run's steps as a layered graph (workflow/dagLayout.ts)
 * coloured by each step's live state, the same states the Workflows view shows (the poll's rows:
 * no Slurm call of its own). It redraws whenever the view's states change. Clicking a step offers
 * its actions (Show Log, Job Details, Cancel Step), which run the commands the Jobs view uses.
 * Opened from a run ("Show Graph") or from a workflow file: its last run, else its plan.
 *
 * Locked down like our other panels (webviewPage.ts): a CSP allowing only our stylesheet and one
 * nonce'd script from media/workflowGraph, no remote content; the page draws SVG with
 * createElementNS/setAttribute and sets text with textContent only (step names are the user's text).
 *
 * A webview's DOM cannot be reached from the extension host, so tests read the last view posted and
 * what the page reports it drew through the command `slurm.workflow.graphTestHook`, and can feed it
 * page messages (a click on a step's action) through the same handler.
 */
import * as vscode from 'vscode';
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import { logger } from '../core/logger';
import { buildGraphView, type GraphStepInput, type GraphView, type StepAction } from '../workflow/graphView';
import { runKey, type RunStep, type WorkflowRun } from '../workflow/runRecord';
import type { Workflow } from '../workflow/schema';
import { webviewPage } from './webviewPage';

export const GRAPH_TEST_HOOK_COMMAND = 'slurm.workflow.graphTestHook';

/** What the graph is of: a run, or a workflow file (its latest run once there is one, else its plan). */
export type GraphSource = { kind: 'run'; run: WorkflowRun } | { kind: 'file'; uri: string; workflow: Workflow };

/** What the panels need of the Workflows view: its runs and states, and when they change. */
export interface GraphStates {
  all(): readonly WorkflowRun[];
  stateOf(step: RunStep): { state: string; reason?: string } | undefined;
  readonly onDidChangeTreeData: vscode.Event<unknown>;
}

export type StepActionHandler = (action: StepAction, run: WorkflowRun, step: RunStep) => Promise<void>;

const PageMessageSchema = lazySchema(() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('rendered'), nodes: z.array(z.object({ name: z.string(), state: z.string(), tone: z.string() })).max(10_000) }),
  z.object({ type: z.literal('action'), step: z.string(), action: z.enum(['showLog', 'showDetails', 'cancelStep']) }),
]));
type PageMessage = z.infer<typeof PageMessageSchema>;
type Rendered = Extract<PageMessage, { type: 'rendered' }>;

export interface GraphTestState {
  open: boolean;
  view?: GraphView;
  rendered?: Rendered;
}

export class WorkflowGraphPanels implements vscode.Disposable {
  private readonly panels = new Map<string, GraphPanel>();
  /** The panel shown last, which the test hook reports on. */
  private last: GraphPanel | undefined;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly states: GraphStates,
    private readonly onAction: StepActionHandler,
  ) {
    this.subs = [
      states.onDidChangeTreeData(() => {
        for (const p of this.panels.values()) p.update(this.viewOf(p.source));
      }),
      vscode.commands.registerCommand(GRAPH_TEST_HOOK_COMMAND, async (request?: { message?: unknown }): Promise<GraphTestState> => {
        const panel = this.last;
        if (!panel || panel.disposed) return { open: false };
        if (request?.message !== undefined) await panel.receive(request.message);
        return panel.testState();
      }),
    ];
  }

  /** Shows the graph (one panel per run or file, revealed again if open); resolves with what the page drew, or undefined after 20 s. */
  show(source: GraphSource): Promise<Rendered | undefined> {
    const key = source.kind === 'run' ? `run:${runKey(source.run)}` : `file:${source.uri}`;
    let panel = this.panels.get(key);
    if (panel && !panel.disposed) {
      panel.source = source;
      panel.reveal();
    } else {
      panel = new GraphPanel(this.extensionUri, source, (p, m) => this.handle(p, m), () => this.panels.delete(key));
      this.panels.set(key, panel);
    }
    this.last = panel;
    const rendered = panel.nextRender();
    panel.update(this.viewOf(source));
    return rendered;
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    for (const s of this.subs) s.dispose();
  }

  /** A run as stored now (Retry Failed replaces job ids), or a file's latest run, else its plan. */
  private currentRun(source: GraphSource): WorkflowRun | undefined {
    if (source.kind === 'run') return this.states.all().find((r) => runKey(r) === runKey(source.run)) ?? source.run;
    return this.states.all().find((r) => r.file === source.uri && r.workflow === source.workflow.name);
  }

  private viewOf(source: GraphSource): GraphView {
    const run = this.currentRun(source);
    if (!run && source.kind === 'file') {
      return buildGraphView({ title: `${source.workflow.name} (not run yet)`, steps: source.workflow.steps.map((s) => ({ name: s.name, dependsOn: s.dependsOn })) });
    }
    const r = run as WorkflowRun;
    const steps = r.steps.map((s): GraphStepInput => {
      const seen = this.states.stateOf(s);
      return { name: s.name, dependsOn: s.dependsOn, jobId: s.jobId, ...(seen ? { seen } : {}) };
    });
    return buildGraphView({ title: `${r.workflow} · run ${r.runId} on ${r.profile}`, runKey: runKey(r), steps });
  }

  private async handle(panel: GraphPanel, m: PageMessage): Promise<void> {
    if (m.type !== 'action') return;
    const run = this.currentRun(panel.source);
    const step = run?.steps.find((s) => s.name === m.step);
    if (!run || !step) {
      void vscode.window.showInformationMessage(`Step ${m.step} has no job yet: run the workflow first.`);
      return;
    }
    await this.onAction(m.action, run, step);
  }
}

class GraphPanel {
  private readonly panel: vscode.WebviewPanel;
  private view: GraphView | undefined;
  private rendered: Rendered | undefined;
  private waiters: ((r: Rendered) => void)[] = [];
  disposed = false;

  constructor(
    extensionUri: vscode.Uri,
    public source: GraphSource,
    private readonly onMessage: (panel: GraphPanel, m: PageMessage) => Promise<void>,
    onDispose: () => void,
  ) {
    const mediaRoot = vscode.Uri.joinPath(extensionUri, 'media', 'workflowGraph');
    const title = source.kind === 'run' ? `Workflow: ${source.run.workflow} ${source.run.runId}` : `Workflow: ${source.workflow.name}`;
    this.panel = vscode.window.createWebviewPanel('slurm.workflowGraph', title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [mediaRoot],
      // The page starts over when shown again and says 'ready'; the host keeps the view.
      retainContextWhenHidden: false,
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'slurm.svg');
    this.panel.webview.html = webviewPage(this.panel.webview, mediaRoot, {
      script: 'graph.js',
      style: 'graph.css',
      title: 'Workflow graph',
      body: `<header>
  <h1 id="title">Workflow</h1>
  <p id="summary" class="summary" aria-live="polite"></p>
  <ul id="legend" class="legend" aria-label="Step states"></ul>
</header>
<div id="actions" class="actions" hidden>
  <span id="selected" class="selected"></span>
  <button id="showLog" type="button">Show Log</button>
  <button id="showDetails" type="button">Job Details</button>
  <button id="cancelStep" type="button" class="danger">Cancel Step</button>
</div>
<main id="canvas" class="canvas"></main>`,
    });
    this.panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m));
    this.panel.onDidDispose(() => {
      this.disposed = true;
      onDispose();
    });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  update(view: GraphView): void {
    this.view = view;
    void this.panel.webview.postMessage({ type: 'view', view });
  }

  nextRender(): Promise<Rendered | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 20_000);
      this.waiters.push((r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  }

  async receive(raw: unknown): Promise<void> {
    const parsed = PageMessageSchema.safeParse(raw);
    if (!parsed.success) {
      logger.warn(`Workflow graph page sent a message we do not read: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      return;
    }
    const m = parsed.data;
    if (m.type === 'ready') {
      if (this.view) void this.panel.webview.postMessage({ type: 'view', view: this.view });
    } else if (m.type === 'rendered') {
      this.rendered = m;
      for (const resolve of this.waiters.splice(0)) resolve(m);
    } else {
      await this.onMessage(this, m);
    }
  }

  testState(): GraphTestState {
    return { open: true, ...(this.view ? { view: this.view } : {}), ...(this.rendered ? { rendered: this.rendered } : {}) };
  }

  dispose(): void {
    this.panel.dispose();
  }
}
