/**
 * A layered drawing of a workflow's graph, left to right: each step's column is the length of the
 * longest dependency path that leads to it (so every edge points right), an edge that skips columns
 * passes through a waypoint in each column it crosses, the order inside a column is improved by
 * barycentre sweeps (keeping the order with the fewest crossings seen), and every node and
 * waypoint gets a position. Pure and VS Code-free; the webview only draws what this returns.
 */

export interface LayoutInput {
  /** Step names in any order; the first appearance in this list breaks ties in a column. */
  name: string;
  dependsOn: readonly { step: string }[];
}

export interface LayoutSizes {
  nodeWidth: number;
  nodeHeight: number;
  /** Space between columns (for the edges). */
  columnGap: number;
  /** Space between nodes of a column. */
  rowGap: number;
  /** Around the whole drawing. */
  margin: number;
}

export const DEFAULT_SIZES: LayoutSizes = { nodeWidth: 176, nodeHeight: 54, columnGap: 72, rowGap: 22, margin: 16 };

export interface PlacedNode {
  name: string;
  /** Column, 0 = steps that wait for nothing. */
  layer: number;
  /** Position inside the column, top first. */
  order: number;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  /** From the right middle of `from` through one waypoint per skipped column to the left middle of `to`. */
  points: Point[];
}

export interface DagLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
  layers: number;
  /** Edge crossings between adjacent columns in the order chosen (0 for the diamond). */
  crossings: number;
}

/** Column of each step: 0 without dependencies, else one more than the deepest step it waits for. Unknown names are ignored; a cycle throws. */
export function longestPathLayers(steps: readonly LayoutInput[]): Map<string, number> {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (name: string): number => {
    const known = layer.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) throw new Error(`dagLayout: a dependency cycle through ${name}`);
    visiting.add(name);
    let l = 0;
    for (const d of byName.get(name)?.dependsOn ?? []) if (byName.has(d.step)) l = Math.max(l, visit(d.step) + 1);
    visiting.delete(name);
    layer.set(name, l);
    return l;
  };
  for (const s of steps) visit(s.name);
  return layer;
}

/** An item of a column: a step, or a waypoint of the edge from → to. */
interface Slot {
  key: string;
  step?: string;
}

interface Link {
  from: string;
  to: string;
}

/** Crossings between two adjacent columns for the links that join them. */
function crossingsBetween(left: readonly Slot[], right: readonly Slot[], links: readonly Link[]): number {
  const li = new Map(left.map((s, i) => [s.key, i]));
  const ri = new Map(right.map((s, i) => [s.key, i]));
  const pairs = links.flatMap((l) => {
    const a = li.get(l.from);
    const b = ri.get(l.to);
    return a === undefined || b === undefined ? [] : [[a, b] as const];
  });
  let n = 0;
  for (let i = 0; i < pairs.length; i++) {
    for (let j = i + 1; j < pairs.length; j++) {
      const [a1, b1] = pairs[i];
      const [a2, b2] = pairs[j];
      if ((a1 - a2) * (b1 - b2) < 0) n++;
    }
  }
  return n;
}

function totalCrossings(columns: readonly Slot[][], links: readonly Link[]): number {
  let n = 0;
  for (let c = 0; c + 1 < columns.length; c++) n += crossingsBetween(columns[c], columns[c + 1], links);
  return n;
}

/** Reorders `column` by the mean position of each slot's neighbours in `fixed`; slots without neighbours keep their place. */
function sortByBarycentre(column: Slot[], fixed: readonly Slot[], neighbours: (key: string) => string[]): Slot[] {
  const pos = new Map(fixed.map((s, i) => [s.key, i]));
  const keyed = column.map((s, i) => {
    const ps = neighbours(s.key).map((k) => pos.get(k)).filter((p): p is number => p !== undefined);
    return { s, i, bary: ps.length > 0 ? ps.reduce((a, b) => a + b, 0) / ps.length : i };
  });
  // Stable: equal barycentres keep their current order.
  keyed.sort((a, b) => a.bary - b.bary || a.i - b.i);
  return keyed.map((k) => k.s);
}

export function layoutDag(steps: readonly LayoutInput[], sizes: LayoutSizes = DEFAULT_SIZES): DagLayout {
  if (steps.length === 0) return { nodes: [], edges: [], width: 2 * sizes.margin, height: 2 * sizes.margin, layers: 0, crossings: 0 };
  const layerOf = longestPathLayers(steps);
  const layers = Math.max(...layerOf.values()) + 1;
  const columns: Slot[][] = Array.from({ length: layers }, () => []);
  for (const s of steps) columns[layerOf.get(s.name) as number].push({ key: s.name, step: s.name });

  // Each dependency becomes a chain of links through one waypoint per column it skips.
  const known = new Set(steps.map((s) => s.name));
  const links: Link[] = [];
  const chains: { from: string; to: string; keys: string[] }[] = [];
  for (const s of steps) {
    for (const d of s.dependsOn) {
      if (!known.has(d.step) || d.step === s.name) continue;
      const a = layerOf.get(d.step) as number;
      const b = layerOf.get(s.name) as number;
      const keys = [d.step];
      for (let c = a + 1; c < b; c++) {
        const key = `${d.step}→${s.name}@${c}`;
        columns[c].push({ key });
        keys.push(key);
      }
      keys.push(s.name);
      for (let i = 0; i + 1 < keys.length; i++) links.push({ from: keys[i], to: keys[i + 1] });
      chains.push({ from: d.step, to: s.name, keys });
    }
  }
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const l of links) {
    preds.set(l.to, [...(preds.get(l.to) ?? []), l.from]);
    succs.set(l.from, [...(succs.get(l.from) ?? []), l.to]);
  }

  let best = columns.map((c) => [...c]);
  let bestCrossings = totalCrossings(best, links);
  let current = best.map((c) => [...c]);
  for (let sweep = 0; sweep < 8 && bestCrossings > 0; sweep++) {
    if (sweep % 2 === 0) for (let c = 1; c < layers; c++) current[c] = sortByBarycentre(current[c], current[c - 1], (k) => preds.get(k) ?? []);
    else for (let c = layers - 2; c >= 0; c--) current[c] = sortByBarycentre(current[c], current[c + 1], (k) => succs.get(k) ?? []);
    const n = totalCrossings(current, links);
    if (n < bestCrossings) {
      best = current.map((c) => [...c]);
      bestCrossings = n;
    }
    current = current.map((c) => [...c]);
  }

  // Columns are centred on the tallest one; a waypoint takes a node's row so edges run between nodes.
  const rowStep = sizes.nodeHeight + sizes.rowGap;
  const tallest = Math.max(...best.map((c) => c.length));
  const centre = new Map<string, Point>();
  const nodes: PlacedNode[] = [];
  best.forEach((column, layer) => {
    const top = sizes.margin + ((tallest - column.length) * rowStep) / 2;
    const x = sizes.margin + layer * (sizes.nodeWidth + sizes.columnGap);
    column.forEach((slot, order) => {
      const y = top + order * rowStep;
      centre.set(slot.key, { x: x + sizes.nodeWidth / 2, y: y + sizes.nodeHeight / 2 });
      if (slot.step !== undefined) nodes.push({ name: slot.step, layer, order, x, y, width: sizes.nodeWidth, height: sizes.nodeHeight });
    });
  });
  const half = sizes.nodeWidth / 2;
  const edges: PlacedEdge[] = chains.map((ch) => {
    const points = ch.keys.map((k) => centre.get(k) as Point);
    const first = points[0];
    const last = points[points.length - 1];
    return {
      from: ch.from,
      to: ch.to,
      points: [{ x: first.x + half, y: first.y }, ...points.slice(1, -1), { x: last.x - half, y: last.y }],
    };
  });
  const order = new Map(steps.map((s, i) => [s.name, i]));
  nodes.sort((a, b) => a.layer - b.layer || a.order - b.order || (order.get(a.name) as number) - (order.get(b.name) as number));
  return {
    nodes,
    edges,
    width: 2 * sizes.margin + layers * sizes.nodeWidth + (layers - 1) * sizes.columnGap,
    height: 2 * sizes.margin + tallest * sizes.nodeHeight + (tallest - 1) * sizes.rowGap,
    layers,
    crossings: bestCrossings,
  };
}
