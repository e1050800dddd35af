/**
 * "Submit with Options…" as one form: a webview panel carrying messages between its page
 * (media/submitForm) and the pure model (submit/submitFormState.ts), which holds the values and
 * says what to draw. Resolves with the chosen template and values on Submit; Cancel, Escape or
 * closing the panel rejects with CancelledError('Submit'). Check runs the caller's check (the
 * `slurm.checkSubmit` command) and shows its answer in the form, which stays open.
 *
 * The page is locked down like the utilisation panel: a CSP allowing our stylesheet and one
 * nonce'd script from media/submitForm, nothing remote; the page writes data with textContent only.
 *
 * A webview's DOM cannot be reached from the extension host, so the extension test drives the form
 * through the command `slurm.submitForm.testHook`: it reads the last view and what the page reports
 * it drew, and feeds messages into the same handler the page's messages go through.
 */
import * as vscode from 'vscode';
import { webviewPage } from './webviewPage';
import { CancelledError, errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import type { HeaderTemplate } from '../templates/templateStore';
import { FORM_FIELDS, FIELD_TEXT, type FormValues } from '../submit/submitFormModel';
import { FormMessageSchema, SubmitFormModel, type FormMessage, type FormSetup, type FormView } from '../submit/submitFormState';

export interface SubmitFormRequest {
  setup: FormSetup;
  /** `sbatch --test-only` with these values: the sentence to show. */
  check: (values: FormValues, template: HeaderTemplate) => Promise<{ ok: boolean; message: string }>;
}

export interface SubmitFormResult {
  template: HeaderTemplate;
  values: FormValues;
  /** The form showed limit warnings when Submit was pressed (the user has seen them). */
  warned: boolean;
}

export const TEST_HOOK_COMMAND = 'slurm.submitForm.testHook';

/** What the test hook reports. */
export interface SubmitFormTestState {
  open: boolean;
  view?: FormView;
  rendered?: Extract<FormMessage, { type: 'rendered' }>;
}

/** The submit forms of this window: one at a time (a second one closes the first, which counts as cancelled). */
export class SubmitForms {
  private open: SubmitFormPanel | undefined;
  private hookRegistered = false;

  constructor(private readonly context: vscode.ExtensionContext) {}

  show(request: SubmitFormRequest): Promise<SubmitFormResult> {
    this.registerTestHook();
    this.open?.cancel();
    const form = new SubmitFormPanel(this.context.extensionUri, request);
    this.open = form;
    return form.result.finally(() => {
      if (this.open === form) this.open = undefined;
    });
  }

  /** Registered with the first form (not at activation): lets the extension tests drive the open form. */
  private registerTestHook(): void {
    if (this.hookRegistered) return;
    this.hookRegistered = true;
    this.context.subscriptions.push(vscode.commands.registerCommand(TEST_HOOK_COMMAND, async (request?: { message?: unknown }): Promise<SubmitFormTestState> => {
      const form = this.open;
      if (!form) return { open: false };
      if (request?.message !== undefined) await form.receive(request.message);
      return form.testState();
    }));
  }
}

class SubmitFormPanel {
  readonly result: Promise<SubmitFormResult>;
  private resolve!: (r: SubmitFormResult) => void;
  private reject!: (e: unknown) => void;
  private settled = false;
  private readonly model: SubmitFormModel;
  private readonly panel: vscode.WebviewPanel;
  /** Messages are handled one after another: each view answers the values before it. */
  private queue: Promise<void> = Promise.resolve();
  private lastView: FormView | undefined;
  private lastRendered: SubmitFormTestState['rendered'];

  constructor(extensionUri: vscode.Uri, private readonly request: SubmitFormRequest) {
    this.result = new Promise<SubmitFormResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.model = new SubmitFormModel(request.setup);
    const mediaRoot = vscode.Uri.joinPath(extensionUri, 'media', 'submitForm');
    this.panel = vscode.window.createWebviewPanel('slurm.submitForm', `Submit ${request.setup.fileName}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [mediaRoot],
      retainContextWhenHidden: true,
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'slurm.svg');
    this.panel.webview.html = this.html(this.panel.webview, mediaRoot);
    this.panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m));
    this.panel.onDidDispose(() => this.settle(() => this.reject(new CancelledError('Submit'))));
  }

  cancel(): void {
    this.settle(() => this.reject(new CancelledError('Submit')));
    this.panel.dispose();
  }

  testState(): SubmitFormTestState {
    return { open: !this.settled, ...(this.lastView ? { view: this.lastView } : {}), ...(this.lastRendered ? { rendered: this.lastRendered } : {}) };
  }

  /** A message from the page (or the test hook): validated, then handled after the ones before it. */
  receive(raw: unknown): Promise<void> {
    const parsed = FormMessageSchema.safeParse(raw);
    if (!parsed.success) {
      logger.warn(`Submit form: ignored a malformed message from the page: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return this.queue;
    }
    this.queue = this.queue.then(() => this.handle(parsed.data)).catch((err: unknown) => logger.error(`Submit form: ${errorMessage(err)}`));
    return this.queue;
  }

  private async handle(m: FormMessage): Promise<void> {
    if (this.settled) return;
    switch (m.type) {
      case 'ready':
        return this.post(await this.model.first());
      case 'rendered':
        this.lastRendered = m;
        return;
      case 'cancel':
        return this.cancel();
      case 'change':
        return this.post(await this.model.change(m));
      case 'submit': {
        const view = await this.model.change(m);
        if (!view.canSubmit) return this.post(view);
        const { template, values } = this.model.current;
        const warned = FORM_FIELDS.some((f) => view.fields[f].warning !== undefined);
        this.settle(() => this.resolve({ template, values, warned }));
        this.panel.dispose();
        return;
      }
      case 'check': {
        const view = await this.model.change(m);
        if (!view.canSubmit) return this.post(view);
        this.post(await this.model.setCheck({ running: true, message: 'Checking with sbatch --test-only…' }));
        // Not awaited in the queue: the form stays live while sbatch answers.
        const { template, values } = this.model.current;
        void this.request.check(values, template)
          .then((r) => ({ running: false, ok: r.ok, message: r.message }), (err: unknown) => ({ running: false, ok: false, message: errorMessage(err) }))
          .then((check) => {
            this.queue = this.queue.then(async () => {
              if (!this.settled) this.post(await this.model.setCheck(check));
            });
          });
        return;
      }
    }
  }

  private post(view: FormView): void {
    this.lastView = view;
    if (!this.settled) void this.panel.webview.postMessage(view);
  }

  private settle(how: () => void): void {
    if (this.settled) return;
    this.settled = true;
    how();
  }

  private html(webview: vscode.Webview, mediaRoot: vscode.Uri): string {
    const { fileName, cluster } = this.request.setup;
    const rows = FORM_FIELDS.map((f) => {
      const t = FIELD_TEXT[f];
      const list = f === 'partition' ? ' list="partitions"' : '';
      return `<div class="field" data-field="${f}">
  <label for="f-${f}">${escapeHtml(t.label)}</label>
  <input id="f-${f}" name="${f}" type="text" spellcheck="false" autocomplete="off" placeholder="${escapeHtml(t.placeholder)}"${list} aria-describedby="n-${f} w-${f} e-${f}">
  <div class="msg error" id="e-${f}" role="alert"></div>
  <div class="msg warning" id="w-${f}"></div>
  <div class="msg note" id="n-${f}"></div>
</div>`;
    }).join('\n');
    return webviewPage(webview, mediaRoot, { script: 'submitForm.js', style: 'submitForm.css', title: `Submit ${escapeHtml(fileName)}`, body: `<header><h1>Submit <span class="file">${escapeHtml(fileName)}</span> to <span class="cluster">${escapeHtml(cluster)}</span></h1></header>
<main>
<form id="form" class="fields" autocomplete="off" novalidate>
  <div class="field" id="template-row" hidden>
    <label for="f-template">Header template</label>
    <select id="f-template" name="template"></select>
    <div class="msg note" id="n-template"></div>
  </div>
${rows}
  <datalist id="partitions"></datalist>
  <div class="buttons">
    <button type="submit" id="submit" class="primary">Submit</button>
    <button type="button" id="check" class="secondary" title="sbatch --test-only: would it be accepted, and when would it start? Nothing is submitted.">Check</button>
    <button type="button" id="cancel" class="secondary">Cancel</button>
  </div>
  <div id="check-result" class="msg" role="status"></div>
</form>
<section class="preview" aria-label="Preview">
  <h2>Preview</h2>
  <div id="command" class="command"></div>
  <div id="overrides" class="msg note"></div>
  <div id="preview-error" class="msg error"></div>
  <pre id="script"></pre>
</section>
</main>` });
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
