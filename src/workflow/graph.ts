/**
 * The steps as a graph: topological order (stable: file order among ready steps), the first cycle
 * found (named step by step), and everything downstream of a set of steps. VS Code-free.
 */
export interface GraphNode {
  name: string;
  dependsOn: readonly { step: string }[];
}

/** Steps in an order where every step comes after all it depends on; undefined when there is a cycle. */
export function topologicalOrder<T extends GraphNode>(steps: readonly T[]): T[] | undefined {
  const remaining = new Map(steps.map((s) => [s.name, new Set(s.dependsOn.map((d) => d.step))]));
  const out: T[] = [];
  while (out.length < steps.length) {
    const ready = steps.filter((s) => remaining.get(s.name)?.size === 0);
    if (ready.length === 0) return undefined;
    for (const s of ready) {
      remaining.delete(s.name);
      out.push(s);
    }
    for (const deps of remaining.values()) for (const s of ready) deps.delete(s.name);
  }
  return out;
}

/** One cycle as step names, first repeated at the end (`a → b → a`), or undefined. Unknown names are ignored. */
export function findCycle(steps: readonly GraphNode[]): string[] | undefined {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const d of byName.get(name)?.dependsOn ?? []) {
      if (!byName.has(d.step)) continue;
      const cycle = visit(d.step);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const s of steps) {
    const cycle = visit(s.name);
    if (cycle) return cycle;
  }
  return undefined;
}

/** The given steps and every step that depends on one of them, directly or not. */
export function withDownstream(steps: readonly GraphNode[], roots: Iterable<string>): Set<string> {
  const out = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of steps) {
      if (!out.has(s.name) && s.dependsOn.some((d) => out.has(d.step))) {
        out.add(s.name);
        grew = true;
      }
    }
  }
  return out;
}
