/**
 * Reads a workflow file: YAML (the `yaml` package, which keeps every node's place in the text),
 * then the zod schema, then the graph (duplicate names, unknown `depends_on`, cycles). Every
 * problem carries the line and column (1-based) of the text it is about. VS Code-free.
 */
import { LineCounter, isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { findCycle, topologicalOrder } from './graph';
import { WorkflowSchema, normaliseStep, workflowNameFromFile, type Workflow } from './schema';

export interface SourceRange {
  /** 1-based. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface WorkflowProblem extends SourceRange {
  message: string;
  /** Where in the document, e.g. ['steps', 2, 'depends_on', 0]. */
  path: (string | number)[];
}

export type WorkflowParse =
  | { ok: true; workflow: Workflow; problems: []; stepRanges: Map<string, SourceRange> }
  | { ok: false; problems: WorkflowProblem[] };

type PathPart = string | number;

function rangeOf(lc: LineCounter, start: number, end: number): SourceRange {
  const a = lc.linePos(start);
  const b = lc.linePos(Math.max(start, end));
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

/** The node at `path`, or the deepest one that exists; `asKey` points at a mapping key rather than its value. */
function nodeAt(doc: Document, path: readonly PathPart[], asKey?: string): Node | undefined {
  let node: unknown = doc.contents;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      if (!pair) break;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof part === 'number' && node.items[part] !== undefined) {
      node = node.items[part];
    } else break;
  }
  if (asKey !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === asKey);
    if (pair && isNode(pair.key)) return pair.key;
  }
  return isNode(node) ? node : undefined;
}

function problemAt(doc: Document, lc: LineCounter, path: PathPart[], message: string, asKey?: string): WorkflowProblem {
  const node = nodeAt(doc, path, asKey);
  const [start, end] = node?.range ?? [0, 0];
  return { message, path: asKey === undefined ? path : [...path, asKey], ...rangeOf(lc, start, end) };
}

/** Parses and checks a workflow file. `fileName` names the workflow when the file has no `name:`. */
export function parseWorkflow(text: string, fileName = 'workflow.slurm.yaml'): WorkflowParse {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({ message: `YAML: ${e.message.split('\n')[0]}`, path: [], ...rangeOf(lc, e.pos[0], e.pos[1]) })),
    };
  }
  const raw: unknown = doc.toJS();
  const parsed = WorkflowSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.flatMap((issue) => {
        const path = issue.path.filter((p): p is PathPart => typeof p === 'string' || typeof p === 'number');
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map((k) => problemAt(doc, lc, path, `Unknown field "${k}"${fieldHint(path)}`, k));
        }
        return [problemAt(doc, lc, path, `${describePath(raw, path)}${issue.message}`)];
      }),
    };
  }
  const steps = parsed.data.steps.map(normaliseStep);
  const problems: WorkflowProblem[] = [];
  const firstIndex = new Map<string, number>();
  steps.forEach((s, i) => {
    const seen = firstIndex.get(s.name);
    if (seen === undefined) firstIndex.set(s.name, i);
    else problems.push(problemAt(doc, lc, ['steps', i, 'name'], `Duplicate step name "${s.name}" (also step ${seen + 1})`));
  });
  steps.forEach((s, i) =>
    s.dependsOn.forEach((d, j) => {
      const depPath = ['steps', i, 'depends_on', j];
      if (!firstIndex.has(d.step)) problems.push(problemAt(doc, lc, depPath, `Step "${s.name}" depends on "${d.step}", which is not a step of this workflow`));
      else if (d.step === s.name) problems.push(problemAt(doc, lc, depPath, `Step "${s.name}" depends on itself`));
    }),
  );
  if (problems.length === 0) {
    const cycle = findCycle(steps);
    if (cycle) {
      const first = steps.findIndex((s) => s.name === cycle[0]);
      const dep = steps[first].dependsOn.findIndex((d) => d.step === cycle[1]);
      problems.push(problemAt(doc, lc, ['steps', first, 'depends_on', dep], `Dependency cycle: ${cycle.join(' → ')} (each depends on the next); no step of it could ever start`));
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const stepRanges = new Map<string, SourceRange>();
  steps.forEach((s, i) => {
    const p = problemAt(doc, lc, ['steps', i], '');
    stepRanges.set(s.name, { line: p.line, column: p.column, endLine: p.endLine, endColumn: p.endColumn });
  });
  const ordered = topologicalOrder(steps) ?? steps;
  const name = parsed.data.name ?? workflowNameFromFile(fileName);
  return { ok: true, workflow: { name, ...(parsed.data.description !== undefined ? { description: parsed.data.description } : {}), steps: ordered }, problems: [], stepRanges };
}

/** `step "train" resources.mem: ` (the step by its name when it has one, else by its position). */
function describePath(raw: unknown, path: readonly PathPart[]): string {
  if (path.length === 0) return '';
  if (path[0] === 'steps' && typeof path[1] === 'number') {
    const step = (raw as { steps?: { name?: unknown }[] }).steps?.[path[1]];
    const who = typeof step?.name === 'string' ? `step "${step.name}"` : `step ${path[1] + 1}`;
    const rest = path.slice(2).map((p) => (typeof p === 'number' ? `[${p + 1}]` : `.${p}`)).join('').replace(/^\./, '');
    return `${who}${rest ? ` ${rest}` : ''}: `;
  }
  return `${path.map((p) => (typeof p === 'number' ? `[${p + 1}]` : `.${p}`)).join('').replace(/^\./, '')}: `;
}

function fieldHint(path: readonly PathPart[]): string {
  const last = path[path.length - 1];
  if (last === 'resources') return ' (resources: partition, time, cpusPerTask, mem, gpus)';
  if (typeof last === 'number') return ' (a step has: name, script or command, resources, depends_on, array, env, retries)';
  return path.length === 0 ? ' (a workflow has: name, description, steps)' : '';
}
