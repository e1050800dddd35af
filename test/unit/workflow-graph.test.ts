// The workflow graph, as the page gets it: the layered layout (columns by longest path, edges that
// skip a column pass through waypoints, the order inside a column keeps crossings down, positions
// inside the drawing) and each step's tone and actions from its state. No VS Code, no cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutDag, longestPathLayers, DEFAULT_SIZES } from '../../src/workflow/dagLayout';
import { buildGraphView, stepActions, stepTone } from '../../src/workflow/graphView';

const s = (name: string, ...deps: string[]) => ({ name, dependsOn: deps.map((step) => ({ step, kind: 'afterok' })) });
const diamond = [s('prep'), s('train-a', 'prep'), s('train-b', 'prep'), s('eval', 'train-a', 'train-b'), s('report', 'eval')];

test('columns are the longest path to each step: a shortcut edge does not pull a step left', () => {
  const layers = longestPathLayers([...diamond, s('summary', 'prep', 'report')]);
  assert.deepEqual(Object.fromEntries(layers), { prep: 0, 'train-a': 1, 'train-b': 1, eval: 2, report: 3, summary: 4 });
  assert.throws(() => longestPathLayers([s('a', 'b'), s('b', 'a')]), /cycle/);
});

test('the diamond: four columns, no crossings, every edge points right, nodes inside the drawing and apart', () => {
  const l = layoutDag(diamond);
  assert.equal(l.layers, 4);
  assert.equal(l.crossings, 0);
  assert.deepEqual(l.nodes.map((n) => `${n.name}@${n.layer}.${n.order}`), ['prep@0.0', 'train-a@1.0', 'train-b@1.1', 'eval@2.0', 'report@3.0']);
  assert.equal(l.edges.length, 5);
  for (const e of l.edges) {
    for (let i = 1; i < e.points.length; i++) assert.ok(e.points[i].x > e.points[i - 1].x, `${e.from}→${e.to} runs right`);
  }
  for (const n of l.nodes) {
    assert.ok(n.x >= DEFAULT_SIZES.margin && n.y >= DEFAULT_SIZES.margin);
    assert.ok(n.x + n.width <= l.width - DEFAULT_SIZES.margin + 1e-9 && n.y + n.height <= l.height - DEFAULT_SIZES.margin + 1e-9);
  }
  for (const a of l.nodes) for (const b of l.nodes) if (a !== b) assert.ok(a.x !== b.x || Math.abs(a.y - b.y) >= a.height, `${a.name} and ${b.name} overlap`);
  // The single steps sit between the two trainings, so the diamond looks like one.
  const y = (name: string) => l.nodes.find((n) => n.name === name)!.y;
  assert.equal(y('prep'), (y('train-a') + y('train-b')) / 2);
});

test('an edge that skips columns goes through one waypoint per skipped column', () => {
  const l = layoutDag([s('a'), s('b', 'a'), s('c', 'b'), s('d', 'a', 'c')]);
  const skip = l.edges.find((e) => e.from === 'a' && e.to === 'd')!;
  assert.equal(skip.points.length, 4, 'start, two waypoints (columns 1 and 2), end');
  assert.equal(l.edges.find((e) => e.from === 'c' && e.to === 'd')!.points.length, 2);
});

test('the order inside a column is chosen to cut crossings (file order would cross)', () => {
  // In file order x1 is above x2 but feeds the lower of y1/y2: two crossing edges.
  const steps = [s('x1'), s('x2'), s('y2', 'x2'), s('y1', 'x1'), s('z1', 'y1'), s('z2', 'y2')];
  const l = layoutDag(steps);
  assert.equal(l.crossings, 0);
  const order = (name: string) => l.nodes.find((n) => n.name === name)!.order;
  assert.equal(order('y1'), order('x1'));
  assert.equal(order('z2'), order('y2'));
});

test('a wider graph stays crossing-free where one exists (two independent diamonds side by side)', () => {
  const two = [...diamond, s('p2'), s('a2', 'p2'), s('b2', 'p2'), s('e2', 'a2', 'b2'), s('r2', 'e2')];
  const l = layoutDag(two);
  assert.equal(l.crossings, 0);
  assert.equal(l.nodes.length, 10);
  assert.equal(layoutDag([]).nodes.length, 0);
});

test('a step\'s tone and actions follow its state', () => {
  assert.equal(stepTone({ state: 'COMPLETED' }), 'completed');
  assert.equal(stepTone({ state: 'FAILED' }), 'failed');
  assert.equal(stepTone({ state: 'OUT_OF_MEMORY' }), 'failed');
  assert.equal(stepTone({ state: 'CANCELLED by 1000' }), 'cancelled');
  assert.equal(stepTone({ state: 'RUNNING' }), 'running');
  assert.equal(stepTone({ state: 'PENDING', reason: 'Dependency' }), 'waiting');
  assert.equal(stepTone({ state: 'PENDING', reason: 'DependencyNeverSatisfied' }), 'blocked');
  assert.equal(stepTone(undefined), 'unknown');
  assert.equal(stepTone(undefined, true), 'planned');
  assert.deepEqual(stepActions(12, 'running'), ['showLog', 'showDetails', 'cancelStep']);
  assert.deepEqual(stepActions(12, 'blocked'), ['showLog', 'showDetails', 'cancelStep']);
  assert.deepEqual(stepActions(12, 'completed'), ['showLog', 'showDetails'], 'a finished job cannot be cancelled');
  assert.deepEqual(stepActions(undefined, 'planned'), [], 'a plan has no job to act on');
});

test('the page\'s view of a run: states, plain words, blocked edges, summary; a plan is all planned', () => {
  const seen = { prep: { state: 'COMPLETED' }, 'train-a': { state: 'FAILED' }, 'train-b': { state: 'COMPLETED' }, eval: { state: 'PENDING', reason: 'DependencyNeverSatisfied' }, report: { state: 'PENDING', reason: 'Dependency' } } as const;
  const v = buildGraphView({ title: 't', runKey: 'bundled/diamond.abc', steps: diamond.map((d, i) => ({ ...d, jobId: 100 + i, seen: seen[d.name as keyof typeof seen] })) });
  assert.deepEqual(v.nodes.map((n) => [n.name, n.tone, n.state]), [['prep', 'completed', 'COMPLETED'], ['train-a', 'failed', 'FAILED'], ['train-b', 'completed', 'COMPLETED'], ['eval', 'blocked', 'PENDING'], ['report', 'waiting', 'PENDING']]);
  assert.match(v.nodes.find((n) => n.name === 'eval')!.stateText, /will never start/);
  assert.deepEqual(v.edges.filter((e) => e.blocked).map((e) => `${e.from}→${e.to}`).sort(), ['train-a→eval', 'train-b→eval']);
  assert.equal(v.summary, '2 completed, 1 waiting, 1 failed, 1 blocked');
  const plan = buildGraphView({ title: 'diamond (not run yet)', steps: diamond });
  assert.ok(plan.nodes.every((n) => n.tone === 'planned' && n.actions.length === 0 && n.jobId === undefined));
  assert.equal(plan.summary, 'Not run yet: 5 steps');
  assert.equal(plan.runKey, undefined);
});
