/**
 * The submit flow shared by Submit / Check / Preview / Submit after…: which file and text, which
 * cluster, template and answers (prompted, prefilled from the file's directives and the last
 * choices for that file), composed into the exact script. Every prompt can be answered up front
 * through `SubmitCommandOptions` (scripted use and tests). Thin: the logic lives in src/submit.
 */
import { showActionError } from '../vscode/errors';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseProfiles, remoteRootOf, type Profile } from '../config/profile';
import { CancelledError, UserFacingError, errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import type { ClusterSession } from '../session/clusterSession';
import { formatDuration, runCall, sinfoCall, type ClusterInfo } from '../slurm';
import { SubmitAnswersSchema, type SubmitAnswers } from '../submit/answers';
import { composeJob, type ComposedJob } from '../submit/compose';
import { choicesToRemember, finalAnswers, prefillAnswers, questionPlan, readScript, sbatchOptions, type RememberedChoices } from '../submit/submission';
import { chooseCluster } from '../submit/oneClick';
import { buildClusterResources, type ClusterResources } from '../resources/model';
import { FORM_FIELDS, fieldWarnings, formRawAnswers, formValuesFrom, isFormField, type FormValues } from '../submit/submitFormModel';
import { pythonEnvOf } from '../submit/pythonEnv';
import { loadTemplates, templatesFor, type HeaderTemplate } from '../templates/templateStore';
import { applyFolderSync, planSyncForScript, type SyncOptions } from '../submit/folderSync';
import { describeSkipped, describeUpload, syncSettingsOf, type SyncSettings } from '../submit/syncPlan';
import { sectionOf } from '../config/settings';
import { readProfilesSetting } from '../vscode/configuration';
import type { Services } from '../vscode/services';

/** Answers given up front; anything missing is prompted for (or taken as prefilled with `acceptDefaults`). */
export interface SubmitCommandOptions {
  /** The file (a path or URI string); default: the active editor. */
  uri?: string | vscode.Uri;
  profile?: string;
  template?: string;
  answers?: Record<string, unknown>;
  /** Take the prefilled value for every answer not given instead of asking. */
  acceptDefaults?: boolean;
  /**
   * Which questions: "missing" (Submit: none when the script's directives suffice, see
   * submit/oneClick.ts) or "all" (Submit with Options…: every prompt, prefilled from the file).
   */
  ask?: 'missing' | 'all';
  /** `--dependency=...` for this submission (Submit after…). */
  dependency?: string;
  /**
   * When the job exceeds the partition's limits (time, GPUs, CPUs, memory): ask with a modal
   * (default), or decide up front — "submitAnyway" (the default with `acceptDefaults`) or "edit".
   */
  limitWarnings?: 'ask' | 'submitAnyway' | 'edit';
  /**
   * With folder sync on, a wrapped file (Python) with unsaved changes runs from its synced, saved
   * copy: save it first (true), refuse (false), or ask with a modal (default; refuse with `acceptDefaults`).
   */
  saveForSync?: boolean;
  /**
   * false: the caller shows the outcome itself (the submit form's Check writes it under its
   * buttons), so no "Check passed" message. A second toast saying the same would also count
   * towards VS Code's limit of 3 toasts in 800 ms, past which it files new ones (the "Submitted
   * job" a moment later) in the notification center without showing them.
   */
  announce?: boolean;
}

export interface PreparedSubmission {
  uri: vscode.Uri;
  session: ClusterSession;
  profile: Profile;
  template: HeaderTemplate;
  answers: SubmitAnswers;
  job: ComposedJob;
  cluster?: ClusterInfo;
  /** Effective options of the submitted job (for explaining refusals). */
  options: Map<string, string | undefined>;
  /** The file's own #SBATCH options (to name what an override replaces). */
  fileOptions: ReadonlyMap<string, string | undefined>;
}

const LAST_PROFILE_KEY = 'slurm.submit.lastProfile';
const lastChoicesKey = (uri: vscode.Uri) => `slurm.submit.last:${uri.toString()}`;

export function isSubmitOptions(x: unknown): x is SubmitCommandOptions {
  return typeof x === 'object' && x !== null && !(x instanceof vscode.Uri) && ('answers' in x || 'uri' in x || 'profile' in x || 'template' in x || 'acceptDefaults' in x || 'dependency' in x || 'limitWarnings' in x || 'ask' in x || 'announce' in x);
}

/** Command arguments: (uri) from menus, (options) from scripts, or nothing. */
export function optionsFromArgs(arg: unknown): SubmitCommandOptions {
  if (arg instanceof vscode.Uri) return { uri: arg };
  if (isSubmitOptions(arg)) return arg;
  return {};
}

function toUri(u: string | vscode.Uri): vscode.Uri {
  if (typeof u !== 'string') return u;
  return u.startsWith('/') ? vscode.Uri.file(u) : vscode.Uri.parse(u);
}

async function targetDocument(options: SubmitCommandOptions): Promise<vscode.TextDocument> {
  if (options.uri) return vscode.workspace.openTextDocument(toUri(options.uri));
  const editor = vscode.window.activeTextEditor;
  if (!editor) throw new UserFacingError('There is no script to submit.', 'Open a shell or Python script in the editor, or right-click one in the Explorer.');
  return editor.document;
}

/** The text to submit: the buffer as it is, or saved first — by setting; never rewritten otherwise. */
async function textToSubmit(services: Services, doc: vscode.TextDocument): Promise<string> {
  if (doc.isDirty && services.settings()['submit.unsavedChanges'] === 'saveFirst') {
    if (!(await doc.save())) throw new UserFacingError(`${path.basename(doc.fileName)} could not be saved.`, 'Save it yourself, or set slurm.submit.unsavedChanges to "submitBuffer".');
  }
  return doc.getText();
}

async function pickSession(services: Services, options: SubmitCommandOptions): Promise<{ session: ClusterSession; profile: Profile }> {
  const { profiles } = parseProfiles(readProfilesSetting().raw);
  const sessions = services.registry.all();
  if (sessions.length === 0) throw new UserFacingError('No cluster profile is configured.', 'Add one with "Slurm: Add Cluster Profile".');
  const choice = chooseCluster({
    given: options.profile,
    profiles: sessions.map((s) => s.profileName),
    remembered: services.context.workspaceState.get<string>(LAST_PROFILE_KEY),
    mode: options.ask ?? 'missing',
  });
  let name: string | undefined;
  if ('use' in choice) name = choice.use;
  else {
    const last = choice.lastUsed;
    const items = sessions.map((s) => ({ label: s.profileName, description: s.profileName === last ? 'last used' : undefined }));
    items.sort((a, b) => Number(b.label === last) - Number(a.label === last));
    name = (await vscode.window.showQuickPick(items, { title: 'Submit to which cluster?', ignoreFocusOut: true }))?.label;
    if (name === undefined) throw new CancelledError('Submit');
  }
  const session = services.registry.get(name);
  const profile = profiles.find((p) => p.name === name);
  if (!session || !profile) throw new UserFacingError(`There is no cluster profile named "${name}".`, 'Check slurm.profiles in settings.');
  return { session, profile };
}

/** After a successful submit only: the cluster one click goes to next time (a failed one is not remembered). */
export async function rememberCluster(services: Services, name: string): Promise<void> {
  await services.context.workspaceState.update(LAST_PROFILE_KEY, name);
}

/**
 * Before any question: is the cluster reachable? A login the user has to answer (password, 2FA)
 * is part of connecting; an unreachable cluster fails here, at once, with what to do.
 */
async function ensureConnected(session: ClusterSession): Promise<void> {
  if (session.transport.state.kind === 'connected' || !session.transport.connect) return;
  try {
    await session.transport.connect();
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    throw new UserFacingError(
      `Cannot reach cluster "${session.profileName}": ${errorMessage(err).replace(/\.\s*$/, '')}. Nothing was submitted.`,
      'Check that the cluster is up and the profile\'s host, port and login are right ("Slurm: Test Connection" tells more), then submit again.',
      { cause: err },
    );
  }
}

async function loadAllTemplates(services: Services): Promise<HeaderTemplate[]> {
  const folderSetting = services.settings()['templates.folder'].trim();
  const workspaceRoot = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let userDir: string | undefined;
  if (folderSetting) {
    const expanded = folderSetting.startsWith('~/') ? path.join(process.env.HOME ?? '', folderSetting.slice(2)) : folderSetting;
    userDir = path.isAbsolute(expanded) ? expanded : workspaceRoot ? path.join(workspaceRoot, expanded) : undefined;
  }
  const inWorkspace = userDir !== undefined && (vscode.workspace.workspaceFolders ?? []).some((f) => !path.relative(f.uri.fsPath, userDir as string).startsWith('..'));
  const { templates, problems } = await loadTemplates({
    builtinDir: path.join(services.context.extensionPath, 'templates'),
    userDir,
    userDirInWorkspace: inWorkspace,
    trusted: vscode.workspace.isTrusted,
  });
  for (const p of problems) {
    logger.warn(p.message);
    void vscode.window.showWarningMessage(p.message);
  }
  return templates;
}

async function pickTemplate(templates: HeaderTemplate[], languageId: string, options: SubmitCommandOptions, lastId?: string): Promise<HeaderTemplate> {
  const fits = templatesFor(templates, languageId === 'python' ? 'python' : 'shellscript');
  if (options.template !== undefined) {
    const t = fits.find((x) => x.id === options.template);
    if (!t) throw new UserFacingError(`There is no template "${options.template}" for ${languageId} files.`, `Available: ${fits.map((x) => x.id).join(', ')}.`);
    return t;
  }
  if (fits.length === 0) throw new UserFacingError(`No template fits ${languageId} files.`, 'Check slurm.templates.folder.');
  if (fits.length === 1 || options.acceptDefaults) return fits.find((x) => x.id === lastId) ?? fits[0];
  const items = fits.map((t) => ({ label: t.meta.label, description: t.origin === 'user' ? 'your template' : undefined, detail: t.meta.description, template: t }));
  items.sort((a, b) => Number(b.template.id === lastId) - Number(a.template.id === lastId));
  const picked = await vscode.window.showQuickPick(items, { title: 'Header template', ignoreFocusOut: true });
  if (!picked) throw new CancelledError('Submit');
  return picked.template;
}

async function clusterInfo(session: ClusterSession, services: Services): Promise<ClusterInfo | undefined> {
  try {
    return await runCall(session.transport, sinfoCall(), { timeoutMs: services.commandTimeoutMs() });
  } catch (err) {
    logger.warn(`sinfo for the submit form failed: ${errorMessage(err)}`);
    return undefined;
  }
}

type Field = keyof SubmitAnswers;

const prompts: { field: Field; title: string; placeholder: string }[] = [
  { field: 'time', title: 'Time limit', placeholder: 'e.g. 30 (minutes), 2:00:00, 1-12:00:00' },
  { field: 'cpusPerTask', title: 'CPUs per task', placeholder: 'e.g. 4' },
  { field: 'mem', title: 'Memory per node', placeholder: 'e.g. 4G (empty: the partition default)' },
  { field: 'gpus', title: 'GPUs per node', placeholder: '0 for none' },
  { field: 'jobName', title: 'Job name', placeholder: 'shown by squeue' },
];

/** A value sbatch would refuse or that cannot run on the cluster: said while typing, as a warning (Enter still takes it). */
type Warn = (field: Field, value: string) => string | undefined;

async function ask(field: Field, title: string, placeholder: string, value: unknown, warn?: Warn): Promise<unknown> {
  const schema = SubmitAnswersSchema.shape[field];
  const input = await vscode.window.showInputBox({
    title,
    placeHolder: placeholder,
    value: value === undefined ? '' : String(value),
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (v.trim() === '') return undefined;
      const r = schema.safeParse(v);
      if (!r.success) return r.error.issues[0]?.message;
      const warning = warn?.(field, v.trim());
      return warning ? { message: warning, severity: vscode.InputBoxValidationSeverity.Warning } : undefined;
    },
  });
  if (input === undefined) throw new CancelledError('Submit');
  return input.trim() === '' ? undefined : input.trim();
}

interface PartitionItem extends vscode.QuickPickItem {
  /** undefined: leave the partition to the script / the cluster's default. */
  value: string | undefined;
}

/**
 * The partition, defaulting to the file's. Any name can be typed (hidden partitions are not listed
 * by sinfo): the typed name is offered as an item and Enter takes it.
 */
async function pickPartition(cluster: ClusterInfo | undefined, current: string | undefined): Promise<string | undefined> {
  if (!cluster || cluster.partitions.length === 0) return (await ask('partition', 'Partition', 'empty: the cluster default', current)) as string | undefined;
  const listed: PartitionItem[] = cluster.partitions.map((p) => ({
    label: p.name,
    value: p.name,
    description: [
      p.name === current ? 'from the script' : undefined,
      p.isDefault ? 'default' : undefined,
      `${p.cpus.idle}/${p.cpus.total} CPUs free`,
      p.gpus.total > 0 ? `${p.gpus.total - p.gpus.used}/${p.gpus.total} GPUs free` : undefined,
      p.timeLimit.kind === 'seconds' || p.timeLimit.kind === 'unlimited' ? `max ${formatDuration(p.timeLimit)}` : undefined,
      p.available !== 'up' ? p.available : undefined,
    ].filter(Boolean).join(' · '),
  }));
  const first: PartitionItem = current === undefined
    ? { label: '(cluster default)', value: undefined, description: 'the script sets no partition' }
    : listed.find((i) => i.value === current) ?? { label: current, value: current, description: 'from the script · not listed by sinfo (hidden, or does not exist)' };
  const base = [first, ...listed.filter((i) => i !== first)];
  const qp = vscode.window.createQuickPick<PartitionItem>();
  qp.title = 'Partition';
  qp.placeholder = current ? `from the script: ${current} — or type any partition name` : 'the cluster default, or type any partition name';
  qp.ignoreFocusOut = true;
  qp.matchOnDescription = false;
  qp.items = base;
  qp.activeItems = [first];
  return new Promise<string | undefined>((resolve, reject) => {
    let done = false;
    qp.onDidChangeValue((typed) => {
      const name = typed.trim();
      if (name === '' || base.some((i) => i.value === name)) qp.items = base;
      else qp.items = [{ label: name, value: name, description: 'typed: use this partition name', alwaysShow: true }, ...base];
    });
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0] ?? qp.activeItems[0];
      if (!picked) return;
      done = true;
      resolve(picked.value);
      qp.hide();
    });
    qp.onDidHide(() => {
      qp.dispose();
      if (!done) reject(new CancelledError('Submit'));
    });
    qp.show();
  });
}

/** Limit problems of one answer while it is typed (the form's check, submit/submitFormModel.ts). */
function warnerFor(resources: ClusterResources | undefined, fileOptions: ReadonlyMap<string, string | undefined>, raw: Record<string, unknown>): Warn | undefined {
  if (!resources) return undefined;
  return (field, value) => {
    if (!isFormField(field)) return undefined;
    return fieldWarnings({ ...formValuesFrom(raw), [field]: value }, fileOptions, resources)[field];
  };
}

interface CheckAnswer {
  ok: boolean;
  error?: string;
  message?: string;
  start?: string;
  nodes?: string;
  partition?: string;
  sync?: string;
}

/** The form's Check: the `slurm.checkSubmit` command with the form's values, said in one sentence. */
async function checkFromForm(uri: vscode.Uri, profile: string, template: HeaderTemplate, values: FormValues, given: Record<string, unknown>): Promise<{ ok: boolean; message: string }> {
  // Every field is given (an emptied one as ""): the check asks nothing the form already answered.
  const answers: Record<string, unknown> = { ...given };
  for (const f of FORM_FIELDS) answers[f] = values[f].trim();
  const r = await vscode.commands.executeCommand<CheckAnswer | undefined>('slurm.checkSubmit', { uri, profile, template: template.id, answers, announce: false });
  if (!r) return { ok: false, message: 'Check did not answer.' };
  if (!r.ok) return { ok: false, message: `Check failed: ${r.error ?? 'no reason given'}` };
  const when = r.start ? `would start at ${r.start} on ${r.nodes ?? '?'} (${r.partition ?? '?'})` : r.message ?? 'would be accepted';
  return { ok: true, message: `Check passed: ${when}. Nothing was submitted.${r.sync ? ` ${r.sync}` : ''}` };
}

export async function prepareSubmission(services: Services, options: SubmitCommandOptions): Promise<PreparedSubmission> {
  const doc = await targetDocument(options);
  // Read and parsed once; every step below works on this.
  const source = readScript(doc.fileName, await textToSubmit(services, doc), doc.languageId);
  const { text, languageId } = source;
  const mode = options.ask ?? 'missing';
  const { session, profile } = await pickSession(services, options);
  // Connected before anything else is asked: an unreachable cluster fails now, not after the questions.
  await ensureConnected(session);
  const [templates, cluster] = await Promise.all([loadAllTemplates(services), clusterInfo(session, services)]);
  const state = services.context.workspaceState;
  const last = state.get<RememberedChoices>(lastChoicesKey(doc.uri));
  const { fileOptions } = source;
  const prefillFor = (t: HeaderTemplate): Record<string, unknown> => prefillAnswers(source, t, last);
  const given = options.answers ?? {};
  const planFor = (t: HeaderTemplate, raw: Record<string, unknown>) => questionPlan(source, t, raw, { mode, acceptDefaults: options.acceptDefaults, submittedBefore: last !== undefined });
  // The given, remembered or first template, without a question: the form (or the quick pick below) may change it.
  let template = await pickTemplate(templates, languageId, { ...options, acceptDefaults: true }, last?.template);
  let raw: Record<string, unknown> = { ...prefillFor(template), ...given };
  let plan = planFor(template, raw);
  const resources = cluster ? buildClusterResources(session.profileName, cluster, [], Date.now()) : undefined;
  if (plan.allFields && FORM_FIELDS.every((f) => !(f in given))) {
    // Every field to ask and none answered up front: one form (template, fields, live preview).
    const chosen = await services.submitForms.show({
      setup: {
        fileName: source.fileName,
        text,
        fileOptions,
        languageId,
        cluster: session.profileName,
        templates: templatesFor(templates, languageId),
        templateId: template.id,
        templateFixed: options.template !== undefined,
        prefillFor,
        resources,
        python: pythonEnvOf(profile),
      },
      check: (values, t) => checkFromForm(doc.uri, session.profileName, t, values, given),
    });
    template = chosen.template;
    raw = { ...prefillFor(template), ...given, ...formRawAnswers(chosen.values) };
    plan = planFor(template, raw);
    // The limit warnings were shown beside the fields when Submit ("Submit anyway") was pressed: the modal of
    // confirmWithinLimits, which reads these options next, does not ask again.
    if (chosen.warned) options.limitWarnings ??= 'submitAnyway';
  } else {
    if (mode === 'all') {
      template = await pickTemplate(templates, languageId, options, last?.template);
      raw = { ...prefillFor(template), ...given };
      plan = planFor(template, raw);
    }
    if (plan.allFields) {
      if (!('partition' in given)) raw.partition = await pickPartition(cluster, raw.partition as string | undefined);
      const warn = warnerFor(resources, fileOptions, raw);
      for (const p of prompts) if (!(p.field in given)) raw[p.field] = await ask(p.field, p.title, p.placeholder, raw[p.field], warn);
    }
  }
  if (plan.required.includes('container-image') && !('containerImage' in given)) {
    raw.containerImage = await ask('containerImage', 'Container image', 'e.g. nvcr.io#nvidia/pytorch:24.01-py3', raw.containerImage);
  }
  const answers = finalAnswers(source, raw, options.dependency);
  const job = await composeJob({ fileName: source.fileName, text, parsed: source.parsed, languageId, template, answers, python: pythonEnvOf(profile) });
  await state.update(lastChoicesKey(doc.uri), choicesToRemember(template, answers));
  return { uri: doc.uri, session, profile, template, answers, job, cluster, options: sbatchOptions(job, answers), fileOptions };
}

export function remoteRootFor(profile: Profile): string {
  return remoteRootOf(profile);
}

/** Shows a failure: sbatch's words verbatim plus the hint; cancellation is silent. */
/** A submit command's failure, shown the one way (vscode/errors.ts), and its answer for scripted callers. */
export function reportSubmitError(what: string, err: unknown): { ok: false; error: string; cancelled?: boolean } {
  if (err instanceof CancelledError) return { ok: false, error: err.message, cancelled: true };
  showActionError(what, err);
  return { ok: false, error: errorMessage(err) };
}

// ---------------------------------------------------------------------------------------------
// Folder sync (slurm.submit.syncFolder): the VS Code side; the work is in src/submit/folderSync.ts.

export interface FolderSyncRequest {
  settings: SyncSettings;
  scriptPath: string;
  workspaceFolder?: string;
  remoteRoot: string;
  /** The wrapped file (Python), when it has unsaved changes: the job would run its saved copy. */
  unsaved?: vscode.TextDocument;
}

/** The folder sync for this submission, or undefined when the setting is off (or the file lives in no folder). */
export function folderSyncFor(services: Services, prepared: PreparedSubmission): FolderSyncRequest | undefined {
  // Resource-scoped: a folder's own settings apply to the files in it.
  const settings = syncSettingsOf(sectionOf(services.configuration.settingsFor(prepared.uri), 'submit'));
  if (settings.syncFolder === 'off') return undefined;
  const name = path.basename(prepared.uri.path);
  if (prepared.uri.scheme !== 'file') {
    void vscode.window.showWarningMessage(`${name} is not saved in a folder: submitting it without folder sync.`);
    return undefined;
  }
  // A wrapped file (Python) is run by name from the job's working directory, i.e. the synced copy:
  // with unsaved changes that would not be what the editor shows (ensureSavedForSync asks).
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === prepared.uri.toString());
  const unsaved = prepared.job.files.length > 1 && doc?.isDirty ? { unsaved: doc } : {};
  return { settings, scriptPath: prepared.uri.fsPath, workspaceFolder: vscode.workspace.getWorkspaceFolder(prepared.uri)?.uri.fsPath, remoteRoot: remoteRootFor(prepared.profile), ...unsaved };
}

const SAVE_AND_SUBMIT = 'Save and Submit';

/**
 * Before a synced submit of a wrapped file with unsaved changes: save it (asked with a modal, or
 * decided by `options.saveForSync`), or refuse — never run a copy that differs from the editor.
 */
export async function ensureSavedForSync(request: FolderSyncRequest, options: SubmitCommandOptions): Promise<void> {
  const doc = request.unsaved;
  if (!doc?.isDirty) return;
  const name = path.basename(doc.fileName);
  const decision = options.saveForSync ?? (options.acceptDefaults ? false : undefined);
  if (decision === false) {
    throw new UserFacingError(`${name} has unsaved changes, and with folder sync the job runs the synced (saved) copy.`, 'Save it first (or set slurm.submit.unsavedChanges to "saveFirst"), or set slurm.submit.syncFolder to "off".');
  }
  if (decision === undefined) {
    const choice = await vscode.window.showWarningMessage(
      `${name} has unsaved changes`,
      { modal: true, detail: `With folder sync the job runs the synced copy of ${name}, which is the saved file. Save it now and submit?` },
      SAVE_AND_SUBMIT,
    );
    if (choice !== SAVE_AND_SUBMIT) throw new CancelledError('Submit');
  }
  if (!(await doc.save())) throw new UserFacingError(`${name} could not be saved.`, 'Save it yourself and submit again.');
}

export interface FolderSyncDone {
  /** The job's working directory: the script's folder inside the remote workspace. */
  chdir: string;
  remoteDir: string;
  uploaded: number;
  notes: string[];
}

/** Syncs inside a (cancellable) progress notification: "Syncing N changed files (X KB)…". */
export async function syncFolderWithProgress(transport: ClusterSession['transport'], request: FolderSyncRequest, progress: vscode.Progress<{ message?: string; increment?: number }>, options: SyncOptions): Promise<FolderSyncDone | undefined> {
  progress.report({ message: `Comparing ${path.basename(request.scriptPath)}'s folder with the cluster…` });
  const planned = await planSyncForScript(transport, request.settings, request, options);
  if (!planned) return undefined;
  const { plan } = planned;
  // Files the job may miss are worth a notification; symlinks and the like only a log line (they would pop up on every submit).
  const worth = plan.skipped.filter((x) => x.reason === 'too large' || x.reason === 'changed on the cluster');
  const notes = [describeSkipped({ skipped: worth })].filter((n): n is string => n !== undefined);
  const quiet = describeSkipped({ skipped: plan.skipped.filter((x) => !worth.includes(x)) });
  if (plan.uploads.length > 0) {
    const what = describeUpload(plan);
    progress.report({ message: `Syncing ${what}…` });
    await applyFolderSync(transport, planned, {
      ...options,
      onProgress: (p) => progress.report({ message: `Syncing ${what}… ${p.files}/${plan.uploads.length}`, increment: plan.uploadBytes > 0 ? (100 * (plan.uploads.find((u) => u.path === p.path)?.size ?? 0)) / plan.uploadBytes : undefined }),
    });
  }
  logger.info(`Folder sync ${planned.localDir} → ${planned.remoteDir}: ${describeUpload(plan)} uploaded, ${plan.unchanged} unchanged, ${plan.excluded} excluded${[...notes, quiet].filter(Boolean).map((n) => `; ${n}`).join('')}`);
  progress.report({ message: 'Submitting…' });
  return { chdir: planned.jobDir, remoteDir: planned.remoteDir, uploaded: plan.uploads.length, notes };
}

/** For Preview and Check: what a submit would sync, in one sentence (reads only; failures become the sentence). */
export async function describePendingSync(transport: ClusterSession['transport'], request: FolderSyncRequest, options: SyncOptions): Promise<string> {
  try {
    const planned = await planSyncForScript(transport, request.settings, request, options);
    if (!planned) return '';
    const skipped = describeSkipped(planned.plan);
    const unsaved = request.unsaved?.isDirty ? ` ${path.basename(request.unsaved.fileName)} has unsaved changes: Submit will ask to save it first (the job runs the synced, saved copy).` : '';
    return `Submit will first sync ${describeUpload(planned.plan)} from ${planned.localDir} to ${planned.remoteDir} (${planned.plan.unchanged} unchanged) and run the job in ${planned.jobDir}${skipped ? `; ${skipped}` : ''}.${unsaved}`;
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    return `Submit will first sync ${request.settings.syncFolder === 'workspaceFolder' ? 'the workspace folder' : "the script's folder"}, but comparing it with the cluster failed: ${errorMessage(err)}`;
  }
}
