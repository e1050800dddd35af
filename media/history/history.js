// The job history page: draws the HistoryView the extension posts (src/session/historyTable.ts) and
// sends back what the user asks for (query, export, open a job). Filtering and sorting happen in the
// extension, so the table and the CSV export always agree. Text goes in with textContent only: job
// names are anyone's text, never markup.
/* global acquireVsCodeApi, document, window, setTimeout, clearTimeout */
(function () {
  const vscode = acquireVsCodeApi();
  const $ = (id) => document.getElementById(id);
  const GROUPS = [
    ['completed', 'Completed'],
    ['failed', 'Failed'],
    ['cancelled', 'Cancelled'],
    ['timeout', 'Timed out'],
  ];
  const NUMERIC = new Set(['elapsed', 'exitCode', 'cpuPercent', 'memoryPercent', 'timePercent']);
  const query = { groups: [], text: '', partition: '', sort: 'end', descending: true };
  let timer;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function send(type) {
    vscode.postMessage({ type, query });
  }

  /** Local time, "2026-12-04 21:27:26": sortable and unambiguous. */
  function when(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }

  function cellText(row, key) {
    const v = row[key];
    if (key === 'state') return row.stateText;
    if (key === 'submit' || key === 'start' || key === 'end') return when(v);
    if (key === 'cpuPercent' || key === 'memoryPercent' || key === 'timePercent') return v === undefined || v === null ? '' : `${v} %`;
    return v === undefined || v === null ? '' : String(v);
  }

  function drawChips(view) {
    const chips = $('chips');
    chips.replaceChildren();
    for (const [group, label] of GROUPS) {
      const b = el('button', 'chip', `${label} ${view.counts[group]}`);
      b.type = 'button';
      b.setAttribute('aria-pressed', String(query.groups.includes(group)));
      b.addEventListener('click', () => {
        query.groups = query.groups.includes(group) ? query.groups.filter((g) => g !== group) : [...query.groups, group];
        send('query');
      });
      chips.appendChild(b);
    }
  }

  function drawPartitions(view) {
    const select = $('partition');
    select.replaceChildren(el('option', '', 'All partitions'));
    select.firstChild.value = '';
    for (const p of view.partitions) {
      const o = el('option', '', p);
      o.value = p;
      select.appendChild(o);
    }
    select.value = query.partition;
  }

  function drawHead(view) {
    const head = $('head');
    head.replaceChildren();
    for (const c of view.columns) {
      const th = el('th');
      const sorted = query.sort === c.key;
      th.setAttribute('aria-sort', sorted ? (query.descending ? 'descending' : 'ascending') : 'none');
      const b = el('button', '', c.label + (sorted ? (query.descending ? ' ▼' : ' ▲') : ''));
      b.type = 'button';
      b.title = `Sort by ${c.label}`;
      b.addEventListener('click', () => {
        query.descending = query.sort === c.key ? !query.descending : true;
        query.sort = c.key;
        send('query');
      });
      th.appendChild(b);
      head.appendChild(th);
    }
  }

  function drawBody(view) {
    const body = $('body');
    body.replaceChildren();
    for (const row of view.rows) {
      const tr = el('tr');
      tr.tabIndex = 0;
      tr.title = `Show details of job ${row.jobId}`;
      for (const c of view.columns) {
        let cls = NUMERIC.has(c.key) ? 'num' : c.key === 'name' ? 'name' : '';
        if (c.key === 'state') cls = row.group;
        const v = row[c.key];
        if ((c.key === 'cpuPercent' || c.key === 'memoryPercent') && typeof v === 'number') cls += v > 100 ? ' over' : v < 25 ? ' low' : '';
        tr.appendChild(el('td', cls, cellText(row, c.key)));
      }
      const open = () => vscode.postMessage({ type: 'open', jobId: row.jobId });
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter') open();
      });
      body.appendChild(tr);
    }
  }

  function render(view) {
    Object.assign(query, view.query, { groups: view.query.groups || [], text: view.query.text || '', partition: view.query.partition || '' });
    $('title').textContent = `Job history: ${view.title}`;
    $('summary').textContent = view.total === 0 ? 'No finished jobs in this window.' : `${view.matching} of ${view.total} finished jobs`;
    if ($('filter').value !== query.text && document.activeElement !== $('filter')) $('filter').value = query.text;
    drawChips(view);
    drawPartitions(view);
    drawHead(view);
    drawBody(view);
    $('more').textContent = view.rows.length < view.matching ? `Showing the first ${view.rows.length}; narrow the filter to see the others (Export CSV writes all ${view.matching}).` : '';
    $('export').disabled = view.matching === 0;
    vscode.postMessage({ type: 'rendered', rows: view.rows.length });
  }

  $('filter').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      query.text = $('filter').value;
      send('query');
    }, 150);
  });
  $('partition').addEventListener('change', () => {
    query.partition = $('partition').value;
    send('query');
  });
  $('export').addEventListener('click', () => send('export'));
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m && m.type === 'view' && m.view) render(m.view);
  });
  vscode.postMessage({ type: 'ready' });
})();
