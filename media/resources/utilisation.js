// The utilisation webview: draws what the extension posts ({ type: 'update', clusters }).
// Built with createElement/textContent only: names and reasons are data, never markup.
// @ts-check
/* global acquireVsCodeApi, document, window, requestAnimationFrame */
(function () {
  const vscode = acquireVsCodeApi();
  const root = /** @type {HTMLElement} */ (document.getElementById('root'));

  /** @param {string} tag @param {string} [cls] @param {string} [text] */
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function bar(b) {
    const row = el('div', 'bar-row');
    row.appendChild(el('span', 'bar-label', b.label));
    const track = el('div', 'bar');
    track.setAttribute('role', 'img');
    track.setAttribute('aria-label', `${b.label}: ${b.summary}`);
    for (const s of b.segments) {
      const part = el('span', `seg ${s.kind}`);
      part.style.flexGrow = String(s.value);
      part.title = s.title;
      track.appendChild(part);
    }
    if (b.total === 0) track.classList.add('empty');
    row.appendChild(track);
    row.appendChild(el('span', 'bar-summary', b.summary));
    return row;
  }

  function partition(p) {
    const card = el('section', `partition${p.acceptsJobs ? '' : ' closed'}`);
    const head = el('div', 'partition-head');
    head.appendChild(el('h3', '', p.name));
    if (p.isDefault) head.appendChild(el('span', 'badge', 'default'));
    head.appendChild(el('span', 'muted', p.status));
    card.appendChild(head);
    for (const b of p.bars) card.appendChild(bar(b));
    if (p.downNodes.length) {
      const list = el('ul', 'down-nodes');
      for (const d of p.downNodes) list.appendChild(el('li', '', d));
      card.appendChild(list);
    }
    return card;
  }

  function cluster(c, focus) {
    const box = el('section', 'cluster');
    box.id = `cluster-${c.cluster}`;
    const head = el('div', 'cluster-head');
    head.appendChild(el('h2', '', c.cluster));
    const meta = c.loading ? 'loading…' : c.readAt ? `read at ${c.readAt}${c.stale ? ' (stale)' : ''}` : '';
    head.appendChild(el('span', 'muted', meta));
    box.appendChild(head);
    if (c.error) box.appendChild(el('p', 'error', c.error));
    for (const r of c.reservations) box.appendChild(el('p', r.maintenance ? 'warn' : 'muted', r.text));
    const grid = el('div', 'grid');
    for (const p of c.partitions) grid.appendChild(partition(p));
    box.appendChild(grid);
    if (focus === c.cluster) requestAnimationFrame(() => box.scrollIntoView({ block: 'start' }));
    return box;
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || m.type !== 'update') return;
    root.replaceChildren();
    if (!m.clusters.length) root.appendChild(el('p', 'muted', 'No cluster profiles yet: add one with "Slurm: Add Cluster Profile".'));
    for (const c of m.clusters) root.appendChild(cluster(c, m.focus));
    // Tells the extension the picture is drawn (its show() resolves on this).
    vscode.postMessage({ type: 'rendered', partitions: m.clusters.reduce((n, c) => n + c.partitions.length, 0) });
  });

  document.getElementById('refresh')?.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  vscode.postMessage({ type: 'ready' });
})();
