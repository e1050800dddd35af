/**
 * The "Submit with Options…" form as a whole: the messages its page may send (validated with zod:
 * the page is a boundary), and the model behind it — the values and template chosen so far and the
 * view the page draws from them: each field's error, limit warning and what it does to the file's
 * #SBATCH lines, and a live preview of the exact script and sbatch command (compose.ts, the same
 * composition Submit uses). Pure; VS Code-free: src/vscode/submitFormPanel.ts only carries messages.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import { errorMessage } from '../core/errors';
import type { ClusterResources } from '../resources/model';
import type { PythonEnvironment } from '../templates/render';
import type { HeaderTemplate } from '../templates/templateStore';
import { composeJob } from './compose';
import { effectiveDirectives, parseScript } from './directives';
import { describeOverrides } from '../templates/headerPlan';
import { describeFileOverrides } from './oneClick';
import {
  FORM_FIELDS, FIELD_TEXT, fieldNotes, fieldWarnings, formErrors, formValuesFrom, partitionChoices, passedAnswers, reprefill,
  type FormField, type FormValues, type PartitionChoice,
} from './submitFormModel';

const text = lazySchema(() => z.string().max(10_000));
export const FormValuesSchema = lazySchema(() => z.object({ partition: text, time: text, cpusPerTask: text, mem: text, gpus: text, jobName: text }).strict());
const seq = lazySchema(() => z.number().int().nonnegative());
const withValues = { seq, values: FormValuesSchema, template: lazySchema(() => z.string().max(500)) };

/** What the page sends. */
export const FormMessageSchema = lazySchema(() => z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('change'), ...withValues }),
  z.object({ type: z.literal('submit'), ...withValues }),
  z.object({ type: z.literal('check'), ...withValues }),
  z.object({ type: z.literal('cancel') }),
  /** The page drew view `seq`: what its preview and notes show (read back by the extension test). */
  z.object({ type: z.literal('rendered'), seq, preview: z.string().max(1_000_000), notes: z.record(z.string(), z.string().max(10_000)) }),
]));
export type FormMessage = z.infer<typeof FormMessageSchema>;

export interface FieldView {
  label: string;
  placeholder: string;
  error?: string;
  warning?: string;
  note?: string;
}

export interface CheckView {
  running: boolean;
  ok?: boolean;
  message?: string;
}

/** What the page draws. */
export interface FormView {
  type: 'state';
  /** The page's change this view answers (0: the first view); the page draws only the latest. */
  seq: number;
  file: string;
  cluster: string;
  /** Set when the inputs are to take these values (first view, another template); otherwise the page keeps what is typed. */
  values?: FormValues;
  template: string;
  /** Offered as a select when more than one fits and the caller did not name one. */
  templates: { id: string; label: string; detail?: string }[];
  partitions: PartitionChoice[];
  fields: Record<FormField, FieldView>;
  preview: { command: string; script: string; overrides?: string; error?: string };
  /** No field has an error: Submit (and Enter) may go. */
  canSubmit: boolean;
  check?: CheckView;
}

export interface FormSetup {
  fileName: string;
  text: string;
  /** The file's own options, when the caller parsed it already (submission.ts readScript). */
  fileOptions?: ReadonlyMap<string, string | undefined>;
  languageId: string;
  cluster: string;
  /** The templates that fit the file (at least one). */
  templates: readonly HeaderTemplate[];
  templateId: string;
  /** The caller named the template: no select. */
  templateFixed: boolean;
  /** The prefill for a template: its defaults < last answers for the file < the file's directives. */
  prefillFor: (template: HeaderTemplate) => Record<string, unknown>;
  resources?: ClusterResources;
  python?: PythonEnvironment;
}

export class SubmitFormModel {
  private template: HeaderTemplate;
  private values: FormValues;
  private seq = 0;
  private check: CheckView | undefined;
  readonly fileOptions: ReadonlyMap<string, string | undefined>;

  constructor(private readonly setup: FormSetup) {
    if (setup.templates.length === 0) throw new Error('the submit form needs at least one template');
    this.template = setup.templates.find((t) => t.id === setup.templateId) ?? setup.templates[0];
    this.values = formValuesFrom(setup.prefillFor(this.template));
    this.fileOptions = setup.fileOptions ?? effectiveDirectives(parseScript(setup.text.replace(/\r\n/g, '\n')).directives);
  }

  get current(): { template: HeaderTemplate; values: FormValues } {
    return { template: this.template, values: { ...this.values } };
  }

  /** The first view: the inputs take the prefill. */
  first(): Promise<FormView> {
    return this.view(true);
  }

  /**
   * The page's values (and template). Another template re-prefills the fields still showing the
   * old template's prefill; then the inputs take the new values.
   */
  async change(message: { seq: number; values: FormValues; template: string }): Promise<FormView> {
    this.seq = Math.max(this.seq, message.seq);
    let values = message.values;
    let replace = false;
    const next = this.setup.templateFixed ? undefined : this.setup.templates.find((t) => t.id === message.template);
    if (next && next.id !== this.template.id) {
      values = reprefill(values, formValuesFrom(this.setup.prefillFor(this.template)), formValuesFrom(this.setup.prefillFor(next)));
      this.template = next;
      replace = true;
    }
    this.values = values;
    // A check answers the values it was run with: a change makes it stale.
    if (this.check && !this.check.running) this.check = undefined;
    return this.view(replace);
  }

  setCheck(check: CheckView | undefined): Promise<FormView> {
    this.check = check;
    return this.view(false);
  }

  async view(replaceValues: boolean): Promise<FormView> {
    const errors = formErrors(this.values);
    const warnings = fieldWarnings(this.values, this.fileOptions, this.setup.resources);
    const notes = fieldNotes(this.values, this.fileOptions);
    const fields = {} as Record<FormField, FieldView>;
    for (const f of FORM_FIELDS) {
      fields[f] = { ...FIELD_TEXT[f], ...(errors[f] ? { error: errors[f] } : {}), ...(warnings[f] ? { warning: warnings[f] } : {}), ...(notes[f] ? { note: notes[f] } : {}) };
    }
    const preview = await this.preview();
    return {
      type: 'state',
      seq: this.seq,
      file: this.setup.fileName,
      cluster: this.setup.cluster,
      ...(replaceValues ? { values: { ...this.values } } : {}),
      template: this.template.id,
      templates: this.setup.templateFixed ? [] : this.setup.templates.map((t) => ({ id: t.id, label: t.meta.label, ...(t.meta.description ? { detail: t.meta.description } : {}) })),
      partitions: partitionChoices(this.setup.resources),
      fields,
      preview,
      // A script that does not compose yet (a template's required option) is asked for after Submit, as before.
      canSubmit: Object.keys(errors).length === 0,
      ...(this.check ? { check: this.check } : {}),
    };
  }

  /** The exact script and command Submit would send with these values (fields with errors left out). */
  private async preview(): Promise<FormView['preview']> {
    try {
      const job = await composeJob({
        fileName: this.setup.fileName,
        text: this.setup.text,
        languageId: this.setup.languageId,
        template: this.template,
        answers: passedAnswers(this.values, this.fileOptions),
        python: this.setup.python,
      });
      const command = ['sbatch', ...(job.overrides.length ? [describeOverrides(job.overrides)] : []), job.scriptName].join(' ');
      return { command, script: job.script, ...(job.overrides.length ? { overrides: describeFileOverrides(job.overrides, this.fileOptions) } : {}) };
    } catch (err) {
      return { command: '', script: '', error: errorMessage(err) };
    }
  }
}
