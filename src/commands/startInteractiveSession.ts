/**
 * "Start Interactive Session…" (issue 19 point 3; palette, cluster item, Jobs view title). Asks for
 * resources with the submit form's fields and checks (a quick pick offering the last answers for this
 * profile, then one input per field when the user changes them), submits the placeholder job
 * (src/interactive/interactiveJob.ts says why a batch job and not salloc), waits with the pending
 * reason in plain words — Cancel ends the job —, then opens the terminal in it.
 */
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { describeAnswers, INTERACTIVE_FIELDS, parseInteractiveAnswers, timeLimitProblem, type InteractiveAnswers } from '../interactive/interactiveJob';
import { endInteractiveJob, submitInteractiveJob, waitingWords, waitUntilRunning } from '../interactive/interactiveSession';
import type { ClusterSession } from '../session/clusterSession';
import { FIELD_TEXT, fieldError } from '../submit/submitFormModel';
import { showActionError } from '../vscode/errors';
import type { InteractiveTerminals, OnTerminalClose } from '../vscode/interactiveTerminals';
import type { Services } from '../vscode/services';
import { pickSession } from './pickSession';

/** Scripted use (tests): skip the questions. */
export interface StartInteractiveOptions {
  /** Resources as the prompts would give them (time required); validated like typed answers. */
  answers?: Record<string, unknown>;
  onTerminalClose?: OnTerminalClose;
}

export interface StartedInteractiveSession {
  jobId: string;
  terminal: vscode.Terminal;
}

/** Last answers per profile, in the extension's global state (validated when read back). */
const REMEMBERED_KEY = 'slurm.interactive.lastAnswers';

function remembered(services: Services, profile: string): InteractiveAnswers | undefined {
  const all = services.context.globalState.get<Record<string, unknown>>(REMEMBERED_KEY);
  const raw = all && typeof all === 'object' ? all[profile] : undefined;
  if (raw === undefined) return undefined;
  const r = parseInteractiveAnswers(raw);
  return r.ok ? r.answers : undefined;
}

async function remember(services: Services, profile: string, answers: InteractiveAnswers): Promise<void> {
  const all = services.context.globalState.get<Record<string, unknown>>(REMEMBERED_KEY) ?? {};
  await services.context.globalState.update(REMEMBERED_KEY, { ...all, [profile]: answers });
}

/**
 * `slurm.interactive.defaultTimeLimit`, validated by the settings schema (config/settings.ts); read
 * by name and checked again here so this file does not depend on that key's type while the settings
 * move to one typed object.
 */
function defaultTimeLimit(services: Services): string {
  const v = (services.settings() as unknown as Record<string, unknown>)['interactive.defaultTimeLimit'];
  return typeof v === 'string' && timeLimitProblem(v) === undefined ? v.trim() : '1:00:00';
}


/** The resources: the last answers offered as they are, or each field asked (prefilled) after "Change…". */
async function askAnswers(profile: string, last: InteractiveAnswers | undefined, defaultTime: string): Promise<InteractiveAnswers | undefined> {
  const start: InteractiveAnswers = last ?? { time: defaultTime };
  const title = `Start Interactive Session on ${profile}`;
  const go = await vscode.window.showQuickPick([
    { label: '$(play) Start', description: describeAnswers(start), change: false },
    { label: '$(edit) Change resources…', description: 'partition, time limit, CPUs, memory, GPUs', change: true },
  ], { title, placeHolder: last ? 'Your last answers for this cluster' : 'Defaults (the time limit from slurm.interactive.defaultTimeLimit)' });
  if (!go) return undefined;
  if (!go.change) return start;
  const values: Record<string, string> = {};
  for (const [i, field] of INTERACTIVE_FIELDS.entries()) {
    const prefill = start[field];
    const text = FIELD_TEXT[field];
    const v = await vscode.window.showInputBox({
      title: `${title} (${i + 1}/${INTERACTIVE_FIELDS.length})`,
      prompt: text.label,
      placeHolder: field === 'time' ? `e.g. 30 (minutes), 2:00:00 — required` : text.placeholder,
      value: prefill === undefined ? '' : String(prefill),
      ignoreFocusOut: true,
      validateInput: (s) => (field === 'time' ? timeLimitProblem(s) : fieldError(field, s)),
    });
    if (v === undefined) return undefined;
    values[field] = v;
  }
  const r = parseInteractiveAnswers(values);
  if (!r.ok) throw new Error(r.message);
  return r.answers;
}

export function startInteractiveSessionCommand(services: Services, sessions: InteractiveTerminals) {
  return async (arg?: unknown, options: StartInteractiveOptions = {}): Promise<StartedInteractiveSession | undefined> => {
    const session = await pickSession(services, arg, 'Start Interactive Session: on which cluster?');
    if (!session) {
      if (services.registry.all().length === 0) void vscode.window.showInformationMessage('No cluster profile yet: add one (Slurm: Add Cluster Profile) to start an interactive session.');
      return undefined;
    }
    const profile = session.profileName;
    const timeoutMs = services.commandTimeoutMs();
    let answers: InteractiveAnswers | undefined;
    if (options.answers !== undefined) {
      const r = parseInteractiveAnswers(options.answers);
      if (!r.ok) {
        showActionError('Starting an interactive session', new Error(r.message));
        return undefined;
      }
      answers = r.answers;
    } else {
      try {
        answers = await askAnswers(profile, remembered(services, profile), defaultTimeLimit(services));
      } catch (err) {
        showActionError('Starting an interactive session', err);
        return undefined;
      }
    }
    if (!answers) return undefined;
    await remember(services, profile, answers);
    const chosen = answers;

    let jobId: string | undefined;
    const abort = new AbortController();
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Interactive session on ${profile}`, cancellable: true }, async (progress, token) => {
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          progress.report({ message: `Submitting (${describeAnswers(chosen)})…` });
          jobId = await submitInteractiveJob(session.transport, chosen, { timeoutMs, signal: abort.signal });
          session.expectJob(jobId, 'interactive');
          // Hurry the Jobs view's poll until the job starts: the wait below reads its snapshots.
          void session.awaitChange([jobId], 'started');
          const id = jobId;
          await waitUntilRunning(session, id, { signal: abort.signal, onWaiting: (row) => progress.report({ message: `Job ${id}: ${waitingWords(row)}` }) });
        } finally {
          cancel.dispose();
        }
      });
    } catch (err) {
      if (err instanceof CancelledError || abort.signal.aborted) {
        // Cancelled during sbatch itself: no id came back; a job sbatch made anyway ends at its time limit.
        if (jobId !== undefined) await endAfterCancel(session, jobId, timeoutMs);
        return undefined;
      }
      showActionError('Starting an interactive session', err);
      return undefined;
    }
    if (jobId === undefined) return undefined;
    try {
      const terminal = await sessions.openTerminal(session, jobId, options.onTerminalClose ?? 'ask');
      return { jobId, terminal };
    } catch (err) {
      showActionError(`Opening the terminal of interactive session ${jobId} (it keeps running until its time limit; Reopen Interactive Terminal or Cancel Job in the Jobs view)`, err);
      return undefined;
    }
  };
}

/** Cancel in the progress: the allocation is not wanted any more. */
async function endAfterCancel(session: ClusterSession, jobId: string, timeoutMs: number): Promise<void> {
  try {
    await endInteractiveJob(session.transport, jobId, { timeoutMs });
    void session.awaitChange([jobId], 'ended');
    void vscode.window.showInformationMessage(`Interactive session on ${session.profileName} cancelled; job ${jobId} is cancelled too.`);
  } catch (err) {
    showActionError(`Cancelling interactive session job ${jobId} (it ends at its time limit; Cancel Job in the Jobs view ends it now)`, err);
  }
}
