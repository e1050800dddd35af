// The efficiency panel's page: draws the EfficiencyView the extension posts (src/session/efficiency.ts).
// Text goes in with textContent only: job names and hints are data, never markup.
/* global acquireVsCodeApi, document, window */
(function () {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('root');

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function list(title, cls, items) {
    if (!items || items.length === 0) return [];
    const ul = el('ul', cls);
    for (const t of items) ul.appendChild(el('li', '', t));
    return [el('h2', '', title), ul];
  }

  function render(view) {
    root.replaceChildren();
    root.appendChild(el('h1', '', view.title));
    root.appendChild(el('p', 'state', view.state));
    for (const b of view.bars) {
      const row = el('div', 'bar-row');
      row.appendChild(el('span', 'bar-label', b.label));
      const bar = el('div', 'bar');
      bar.setAttribute('role', 'meter');
      bar.setAttribute('aria-label', b.label + ': ' + b.detail);
      const fill = el('span', 'fill' + (b.fraction > 1 ? ' over' : b.fraction < 0.5 ? ' low' : ''));
      fill.style.width = Math.min(100, Math.max(0, b.fraction * 100)).toFixed(1) + '%';
      bar.appendChild(fill);
      row.appendChild(bar);
      row.appendChild(el('span', 'detail', b.detail));
      root.appendChild(row);
    }
    const hints = view.hints.length > 0 ? list('What to ask for next time', 'hints', view.hints) : [el('p', 'ok', 'The request fit what the job used.')];
    for (const n of [...hints, ...list('Also', 'facts', view.facts), ...list('Not measured', 'missing', view.missing)]) root.appendChild(n);
    vscode.postMessage({ type: 'rendered', bars: view.bars.length });
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m && m.type === 'show' && m.view) render(m.view);
  });
  vscode.postMessage({ type: 'ready' });
})();
