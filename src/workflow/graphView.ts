/**
 * What the workflow graph page draws: the layout (dagLayout.ts) with each step's live state turned
 * into a tone (the colour class), a short state line and the actions its job allows. Built from the
 * same states the Workflows view shows (the poll's rows, no call of its own), or from the file
 * alone for a workflow not run yet (every step "planned"). Pure; VS Code-free.
 */
import { layoutDag, type DagLayout, type PlacedEdge } from './dagLayout';
import { isFailedState } from './retryPlan';
import { describeStepState, summariseRun, type SeenState } from './stepState';

/** Colour classes of the page (media/workflowGraph/graph.css). */
export type StepTone = 'completed' | 'running' | 'waiting' | 'failed' | 'blocked' | 'cancelled' | 'unknown' | 'planned';

export type StepAction = 'showLog' | 'showDetails' | 'cancelStep';

export interface GraphStepInput {
  name: string;
  dependsOn: readonly { step: string; kind: string }[];
  /** Undefined for a plan that has not run. */
  jobId?: number;
  seen?: SeenState;
}

export interface GraphNodeView {
  name: string;
  jobId?: number;
  tone: StepTone;
  /** "COMPLETED", "PENDING: waiting for the steps it needs", "planned". */
  stateText: string;
  /** The long state name, or "" (planned / not seen yet): what the tests read. */
  state: string;
  actions: StepAction[];
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphEdgeView extends PlacedEdge {
  /** afterok (drawn solid), afterany / afternotok (drawn dashed, labelled). */
  kind: string;
  /** The edge leads into a step that can never start (drawn as broken). */
  blocked: boolean;
}

export interface GraphView {
  /** "diamond · run k3x9q2 on bundled". */
  title: string;
  /** "3 completed, 1 running, 1 waiting" or "Not run yet: 5 steps". */
  summary: string;
  /** The run this graph is about (`profile/workflow.run`), or undefined for a plan. */
  runKey?: string;
  nodes: GraphNodeView[];
  edges: GraphEdgeView[];
  width: number;
  height: number;
}

const FINISHED_OK = 'COMPLETED';

export function stepTone(seen: SeenState | undefined, planned = false): StepTone {
  if (planned) return 'planned';
  if (!seen) return 'unknown';
  const state = seen.state.split(' ')[0];
  if (state === FINISHED_OK) return 'completed';
  if (state === 'CANCELLED') return 'cancelled';
  if (isFailedState(state)) return 'failed';
  if (state === 'PENDING' && seen.reason === 'DependencyNeverSatisfied') return 'blocked';
  if (state === 'RUNNING' || state === 'COMPLETING' || state === 'CONFIGURING') return 'running';
  return 'waiting';
}

/** What clicking a step offers: its log and details once it has a job, Cancel Step while the job has not ended. */
export function stepActions(jobId: number | undefined, tone: StepTone): StepAction[] {
  if (jobId === undefined) return [];
  const ended = tone === 'completed' || tone === 'failed' || tone === 'cancelled';
  return ended ? ['showLog', 'showDetails'] : ['showLog', 'showDetails', 'cancelStep'];
}

export function buildGraphView(input: { title: string; runKey?: string; steps: readonly GraphStepInput[] }): GraphView {
  const planned = input.runKey === undefined;
  const layout: DagLayout = layoutDag(input.steps);
  const byName = new Map(input.steps.map((s) => [s.name, s]));
  const tones = new Map(input.steps.map((s) => [s.name, stepTone(s.seen, planned)]));
  const nodes = layout.nodes.map((n): GraphNodeView => {
    const s = byName.get(n.name) as GraphStepInput;
    const tone = tones.get(n.name) as StepTone;
    return {
      name: n.name,
      ...(s.jobId !== undefined ? { jobId: s.jobId } : {}),
      tone,
      stateText: planned ? 'planned' : describeStepState(s.seen),
      state: planned ? '' : (s.seen?.state ?? ''),
      actions: stepActions(s.jobId, tone),
      x: n.x,
      y: n.y,
      width: n.width,
      height: n.height,
    };
  });
  const edges = layout.edges.map((e): GraphEdgeView => ({
    ...e,
    kind: byName.get(e.to)?.dependsOn.find((d) => d.step === e.from)?.kind ?? 'afterok',
    blocked: tones.get(e.to) === 'blocked',
  }));
  const summary = planned ? `Not run yet: ${input.steps.length} step${input.steps.length === 1 ? '' : 's'}` : summariseRun(input.steps.map((s) => s.seen));
  return { title: input.title, summary, ...(input.runKey !== undefined ? { runKey: input.runKey } : {}), nodes, edges, width: layout.width, height: layout.height };
}
