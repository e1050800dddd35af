// The workflow graph page: draws the GraphView the extension posts (src/workflow/graphView.ts) as
// inline SVG — the layout and every position come from the extension, the page only draws. Clicking
// (or Enter/Space on) a step selects it and shows its actions; each action goes back to the
// extension as a message. Text goes in with textContent only: step names are anyone's text.
/* global acquireVsCodeApi, document, window */
(function () {
  const vscode = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  const TONES = [
    ['completed', 'Completed'],
    ['running', 'Running'],
    ['waiting', 'Waiting'],
    ['failed', 'Failed'],
    ['blocked', 'Will never start'],
    ['cancelled', 'Cancelled'],
    ['planned', 'Not run yet'],
  ];
  const ACTIONS = ['showLog', 'showDetails', 'cancelStep'];
  let view;
  let selected;

  function svg(tag, attrs, cls) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (cls) e.setAttribute('class', cls);
    return e;
  }

  /** Short enough for a node; the full text is in the node's tooltip. */
  function fit(text, max) {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }

  /** A smooth left-to-right curve through the edge's points. */
  function edgePath(points) {
    let d = `M ${points[0].x} ${points[0].y}`;
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1];
      const b = points[i];
      const mx = (a.x + b.x) / 2;
      d += ` C ${mx} ${a.y}, ${mx} ${b.y}, ${b.x} ${b.y}`;
    }
    return d;
  }

  function drawLegend() {
    const legend = $('legend');
    const used = new Set(view.nodes.map((n) => n.tone));
    legend.replaceChildren();
    for (const [tone, label] of TONES) {
      if (!used.has(tone)) continue;
      const li = document.createElement('li');
      const dot = document.createElement('span');
      dot.className = `dot tone-${tone}`;
      li.append(dot, document.createTextNode(label));
      legend.appendChild(li);
    }
  }

  function drawActions() {
    const node = view.nodes.find((n) => n.name === selected);
    const bar = $('actions');
    if (!node || node.actions.length === 0) {
      bar.hidden = true;
      return;
    }
    bar.hidden = false;
    $('selected').textContent = `${node.name}${node.jobId !== undefined ? ` · job ${node.jobId}` : ''} · ${node.stateText}`;
    for (const a of ACTIONS) $(a).hidden = !node.actions.includes(a);
  }

  function select(name) {
    selected = selected === name ? undefined : name;
    for (const g of document.querySelectorAll('g.node')) g.classList.toggle('selected', g.dataset.step === selected);
    drawActions();
  }

  function draw() {
    $('title').textContent = view.title;
    $('summary').textContent = view.summary;
    drawLegend();
    const root = svg('svg', { width: view.width, height: view.height, viewBox: `0 0 ${view.width} ${view.height}`, role: 'img', 'aria-label': `${view.title}: ${view.summary}` }, 'graph');
    const defs = svg('defs');
    for (const [id, cls] of [['arrow', 'arrowhead'], ['arrow-blocked', 'arrowhead blocked']]) {
      const marker = svg('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
      marker.appendChild(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }, cls));
      defs.appendChild(marker);
    }
    root.appendChild(defs);
    for (const e of view.edges) {
      const cls = `edge${e.kind !== 'afterok' ? ' conditional' : ''}${e.blocked ? ' blocked' : ''}`;
      const path = svg('path', { d: edgePath(e.points), 'marker-end': `url(#${e.blocked ? 'arrow-blocked' : 'arrow'})` }, cls);
      const title = svg('title');
      title.textContent = `${e.to} waits for ${e.from} (${e.kind})`;
      path.appendChild(title);
      root.appendChild(path);
      if (e.kind !== 'afterok') {
        const last = e.points[e.points.length - 1];
        const label = svg('text', { x: last.x - 6, y: last.y - 6, 'text-anchor': 'end' }, 'edge-label');
        label.textContent = e.kind;
        root.appendChild(label);
      }
    }
    for (const n of view.nodes) {
      const g = svg('g', { transform: `translate(${n.x} ${n.y})`, tabindex: 0, role: 'button', 'aria-label': `${n.name}: ${n.stateText}` }, `node tone-${n.tone}${n.name === selected ? ' selected' : ''}`);
      g.dataset.step = n.name;
      g.dataset.state = n.state;
      const title = svg('title');
      title.textContent = `${n.name}${n.jobId !== undefined ? ` (job ${n.jobId})` : ''}\n${n.stateText}`;
      g.appendChild(title);
      g.appendChild(svg('rect', { width: n.width, height: n.height, rx: 6, ry: 6 }, 'box'));
      g.appendChild(svg('rect', { width: 6, height: n.height, rx: 3, ry: 3 }, 'band'));
      g.appendChild(svg('circle', { cx: n.width - 14, cy: 16, r: 5 }, 'dot'));
      const name = svg('text', { x: 16, y: 22 }, 'name');
      name.textContent = fit(n.name, 18);
      const state = svg('text', { x: 16, y: 41 }, 'state');
      state.textContent = fit(`${n.jobId !== undefined ? `${n.jobId} · ` : ''}${n.stateText}`, 26);
      g.append(name, state);
      g.addEventListener('click', () => select(n.name));
      g.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          select(n.name);
        }
      });
      root.appendChild(g);
    }
    $('canvas').replaceChildren(root);
    if (selected && !view.nodes.some((n) => n.name === selected)) selected = undefined;
    drawActions();
    vscode.postMessage({ type: 'rendered', nodes: [...document.querySelectorAll('g.node')].map((g) => ({ name: g.dataset.step, state: g.dataset.state, tone: (/tone-(\w+)/.exec(g.getAttribute('class')) || [])[1] || '' })) });
  }

  for (const a of ACTIONS) {
    $(a).addEventListener('click', () => {
      if (selected) vscode.postMessage({ type: 'action', step: selected, action: a });
    });
  }
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m && m.type === 'view') {
      view = m.view;
      draw();
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
