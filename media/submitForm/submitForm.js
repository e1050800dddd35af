// The "Submit with Options…" page: sends what is typed ({ type: 'change', seq, values, template })
// and draws the views the extension answers with ({ type: 'state', ... }, see
// src/submit/submitFormState.ts). Every text is data: written with textContent only.
// @ts-check
/* global acquireVsCodeApi, document, window */
(function () {
  const vscode = acquireVsCodeApi();
  const FIELDS = ['partition', 'time', 'cpusPerTask', 'mem', 'gpus', 'jobName'];
  const form = /** @type {HTMLFormElement} */ (document.getElementById('form'));
  const template = /** @type {HTMLSelectElement} */ (document.getElementById('f-template'));
  const templateRow = /** @type {HTMLElement} */ (document.getElementById('template-row'));
  const datalist = /** @type {HTMLDataListElement} */ (document.getElementById('partitions'));
  const submitButton = /** @type {HTMLButtonElement} */ (document.getElementById('submit'));
  const checkButton = /** @type {HTMLButtonElement} */ (document.getElementById('check'));
  const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
  const input = (/** @type {string} */ f) => /** @type {HTMLInputElement} */ (document.getElementById(`f-${f}`));

  /** The number of the last change sent; only the view answering it is drawn. */
  let sent = 0;
  /** @type {any} */
  let view;
  let first = true;

  function values() {
    /** @type {Record<string, string>} */
    const v = {};
    for (const f of FIELDS) v[f] = input(f).value;
    return v;
  }

  function send(/** @type {'change' | 'submit' | 'check'} */ type) {
    sent += 1;
    vscode.postMessage({ type, seq: sent, values: values(), template: template.value });
  }

  function setText(/** @type {HTMLElement} */ el, /** @type {string | undefined} */ text) {
    el.textContent = text || '';
    el.hidden = !text;
  }

  function drawTemplates(/** @type {any[]} */ templates, /** @type {string} */ current) {
    templateRow.hidden = templates.length < 2;
    if (template.options.length !== templates.length) {
      template.replaceChildren();
      for (const t of templates) {
        const o = document.createElement('option');
        o.value = t.id;
        o.textContent = t.label;
        if (t.detail) o.title = t.detail;
        template.appendChild(o);
      }
    }
    if (templates.length > 0) template.value = current;
    const chosen = templates.find((t) => t.id === current);
    setText(byId('n-template'), chosen && chosen.detail);
  }

  function drawPartitions(/** @type {any[]} */ partitions) {
    if (datalist.options.length === partitions.length) return;
    datalist.replaceChildren();
    for (const p of partitions) {
      const o = document.createElement('option');
      o.value = p.name;
      o.label = p.detail;
      o.textContent = p.detail;
      datalist.appendChild(o);
    }
  }

  function draw(/** @type {any} */ v) {
    view = v;
    drawTemplates(v.templates, v.template);
    drawPartitions(v.partitions);
    /** @type {Record<string, string>} */
    const notes = {};
    for (const f of FIELDS) {
      const field = v.fields[f];
      const el = input(f);
      if (v.values) el.value = v.values[f];
      el.setAttribute('aria-invalid', field.error ? 'true' : 'false');
      el.classList.toggle('has-error', !!field.error);
      el.classList.toggle('has-warning', !field.error && !!field.warning);
      setText(byId(`e-${f}`), field.error);
      setText(byId(`w-${f}`), field.warning);
      setText(byId(`n-${f}`), field.note);
      notes[f] = [field.error, field.warning, field.note].filter(Boolean).join(' | ');
    }
    byId('command').textContent = v.preview.command;
    setText(byId('overrides'), v.preview.overrides ? `Passed over the file's directives: ${v.preview.overrides}` : undefined);
    setText(byId('preview-error'), v.preview.error);
    byId('script').textContent = v.preview.script;
    submitButton.disabled = !v.canSubmit;
    // The limit warnings beside the fields are the confirmation: the button says what pressing it means.
    submitButton.textContent = FIELDS.some((f) => v.fields[f].warning) ? 'Submit anyway' : 'Submit';
    const check = v.check;
    const result = byId('check-result');
    setText(result, check && check.message);
    result.className = `msg ${check ? (check.running ? 'note' : check.ok ? 'ok' : 'error') : ''}`;
    checkButton.disabled = !!(check && check.running) || !v.canSubmit;
    if (first) {
      first = false;
      input('partition').focus();
    }
    vscode.postMessage({ type: 'rendered', seq: v.seq, preview: byId('script').textContent || '', notes });
  }

  window.addEventListener('message', (event) => {
    const v = event.data;
    if (!v || v.type !== 'state') return;
    // A later change is on its way: its view will follow.
    if (v.seq < sent) return;
    draw(v);
  });

  form.addEventListener('input', () => send('change'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    // Enter submits only when the view of what is typed shows no error (the extension checks again).
    if (view && view.seq === sent && !view.canSubmit) return;
    send('submit');
  });
  checkButton.addEventListener('click', () => send('check'));
  byId('cancel').addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      vscode.postMessage({ type: 'cancel' });
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
