// Workflow files: YAML and schema errors with line and column, unknown steps, duplicate names,
// cycles named step by step, and the topological order of a valid file. No cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseWorkflow, type WorkflowParse } from '../../src/workflow/parse';
import { topologicalOrder, withDownstream } from '../../src/workflow/graph';

function problems(r: WorkflowParse) {
  assert.equal(r.ok, false, 'expected the file to be refused');
  return r.ok ? [] : r.problems;
}

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

test('the sample diamond parses and orders prep, train-a, train-b, eval, report', () => {
  const text = readFileSync(path.resolve(__dirname, '../../media/samples/diamond.slurm.yaml'), 'utf8');
  const r = parseWorkflow(text, 'diamond.slurm.yaml');
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.problems));
  assert.equal(r.workflow.name, 'diamond');
  assert.deepEqual(r.workflow.steps.map((s) => s.name), ['prep', 'train-a', 'train-b', 'eval', 'report']);
  const evalStep = r.workflow.steps[3];
  assert.deepEqual(evalStep.dependsOn, [{ step: 'train-a', kind: 'afterok' }, { step: 'train-b', kind: 'afterok' }]);
  assert.equal(evalStep.retries, 1);
  assert.deepEqual(r.workflow.steps[2].env, { LEARNING_RATE: '0.1' });
  assert.equal(r.stepRanges.get('prep')?.line, 6);
});

test('steps listed out of order come out dependencies first; the name defaults to the file name', () => {
  const r = parseWorkflow(
    yaml('steps:', '  - { name: c, command: x, depends_on: [b] }', '  - { name: b, command: x, depends_on: [{ step: a, kind: afterany }] }', '  - { name: a, command: x }'),
    '/some/where/my pipeline.slurm.yaml',
  );
  assert.ok(r.ok);
  assert.equal(r.workflow.name, 'my-pipeline');
  assert.deepEqual(r.workflow.steps.map((s) => s.name), ['a', 'b', 'c']);
  assert.deepEqual(r.workflow.steps[1].dependsOn, [{ step: 'a', kind: 'afterany' }]);
});

test('an unknown depends_on is refused at its line and column', () => {
  const p = problems(parseWorkflow(yaml('steps:', '  - name: a', '    command: x', '  - name: b', '    command: y', '    depends_on: [a, trian]')));
  assert.equal(p.length, 1);
  assert.match(p[0].message, /"b" depends on "trian", which is not a step/);
  assert.deepEqual([p[0].line, p[0].column, p[0].endColumn], [6, 21, 26]);
});

test('a cycle is named step by step and placed on the dependency that closes it', () => {
  const p = problems(
    parseWorkflow(yaml('steps:', '  - name: a', '    command: x', '    depends_on: [c]', '  - name: b', '    command: x', '    depends_on: [a]', '  - name: c', '    command: x', '    depends_on: [b]')),
  );
  assert.equal(p.length, 1);
  assert.match(p[0].message, /cycle: a → c → b → a/);
  assert.deepEqual([p[0].line, p[0].column], [4, 18]);
});

test('a step that depends on itself is refused', () => {
  const p = problems(parseWorkflow(yaml('steps:', '  - { name: a, command: x, depends_on: [a] }')));
  assert.match(p[0].message, /"a" depends on itself/);
  assert.equal(p[0].line, 2);
});

test('bad resources, unknown fields and a missing command are each placed where they are written', () => {
  const p = problems(
    parseWorkflow(
      yaml(
        'steps:',
        '  - name: a',
        '    command: x',
        '    resources:',
        '      mem: lots',
        '      cpus: 4',
        '      time: "1:00:00"',
        '  - name: b',
        '    retries: -1',
      ),
    ),
  );
  const byLine = new Map(p.map((x) => [x.line, x]));
  assert.match(byLine.get(5)!.message, /step "a" resources.mem: Memory as a number/);
  assert.equal(byLine.get(5)!.column, 12);
  assert.match(byLine.get(6)!.message, /Unknown field "cpus" \(resources: partition, time, cpusPerTask, mem, gpus\)/);
  assert.equal(byLine.get(6)!.column, 7);
  assert.match(byLine.get(9)!.message, /step "b" retries: Retries cannot be negative/);
  assert.ok(p.some((x) => /exactly one of "script" or "command"/.test(x.message) && x.line === 8), JSON.stringify(p));
});

test('duplicate step names are refused at the second one', () => {
  const p = problems(parseWorkflow(yaml('steps:', '  - { name: a, command: x }', '  - { name: a, command: y }')));
  assert.match(p[0].message, /Duplicate step name "a" \(also step 1\)/);
  assert.equal(p[0].line, 3);
});

test('broken YAML is refused with its own position', () => {
  const p = problems(parseWorkflow('steps:\n  - name: a\n    command: [x\n'));
  assert.match(p[0].message, /^YAML: /);
  assert.ok(p[0].line >= 3);
});

test('names with dots or spaces are refused: a job name must split back into workflow, run and step', () => {
  const p = problems(parseWorkflow(yaml('name: my.flow', 'steps:', '  - { name: "train a", command: x }')));
  assert.equal(p.length, 2);
  assert.ok(p.every((x) => /no dots or spaces/.test(x.message)));
});

test('topologicalOrder gives undefined on a cycle; withDownstream follows every path', () => {
  const steps = [
    { name: 'prep', dependsOn: [] },
    { name: 'a', dependsOn: [{ step: 'prep' }] },
    { name: 'b', dependsOn: [{ step: 'prep' }] },
    { name: 'eval', dependsOn: [{ step: 'a' }, { step: 'b' }] },
    { name: 'report', dependsOn: [{ step: 'eval' }] },
  ];
  assert.deepEqual([...withDownstream(steps, ['a'])].sort(), ['a', 'eval', 'report']);
  assert.deepEqual([...withDownstream(steps, ['prep'])].length, 5);
  assert.equal(topologicalOrder([{ name: 'x', dependsOn: [{ step: 'y' }] }, { name: 'y', dependsOn: [{ step: 'x' }] }]), undefined);
});
