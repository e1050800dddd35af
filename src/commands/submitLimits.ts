/**
 * Before anything is uploaded: does the planned job fit the partition's limits (time, GPUs, CPUs,
 * memory, the partition itself)? If not, one modal lists every problem with "Edit" (the default
 * button) / "Submit anyway". Edit (or closing the modal) cancels — nothing is uploaded or submitted — and shows the
 * file with the first offending directive selected. The check itself is src/submit/limitCheck.ts,
 * fed from the same sinfo the submit form already read (no second query).
 */
import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { logger } from '../core/logger';
import { buildClusterResources } from '../resources/model';
import { parseScript } from '../submit/directives';
import { checkLimits, type LimitProblem } from '../submit/limitCheck';
import type { PreparedSubmission, SubmitCommandOptions } from './submitFlow';

const SUBMIT_ANYWAY = 'Submit anyway';
const EDIT = 'Edit';

/** The limit problems of a prepared submission (none when the cluster could not be read). */
export function limitProblemsOf(prepared: PreparedSubmission): LimitProblem[] {
  if (!prepared.cluster) return [];
  return checkLimits(prepared.options, buildClusterResources(prepared.session.profileName, prepared.cluster, [], Date.now()));
}

/** Resolves to go ahead; throws CancelledError when the user chose to edit. */
export async function confirmWithinLimits(prepared: PreparedSubmission, options: SubmitCommandOptions): Promise<void> {
  const problems = limitProblemsOf(prepared);
  if (problems.length === 0) return;
  const cluster = prepared.session.profileName;
  // Scripted submits (acceptDefaults) ask nothing: sbatch decides, and its refusal is reported.
  const decision = options.limitWarnings ?? (options.acceptDefaults ? 'submitAnyway' : 'ask');
  logger.warn(`[${cluster}] ${prepared.job.scriptName} exceeds limits (${decision}): ${problems.map((p) => p.message).join(' ')}`);
  if (decision === 'submitAnyway') return;
  const choice = decision === 'edit'
    ? EDIT
    : await vscode.window.showWarningMessage(
      `${prepared.job.scriptName} may not run on ${cluster}`,
      { modal: true, detail: problems.map((p) => `• ${p.message}`).join('\n') },
      // The safe choice first: it is the default button (Enter), "Submit anyway" has to be chosen.
      EDIT,
      SUBMIT_ANYWAY,
    );
  if (choice === SUBMIT_ANYWAY) return;
  if (choice === EDIT) await revealProblem(prepared.uri, problems);
  throw new CancelledError('Submit');
}

/** Opens the script with the first offending directive's value selected (when the file has one). */
async function revealProblem(uri: vscode.Uri, problems: readonly LimitProblem[]): Promise<void> {
  const editor = await vscode.window.showTextDocument(uri);
  const directives = parseScript(editor.document.getText()).directives;
  for (const p of problems) {
    const d = [...directives].reverse().find((x) => x.option === p.option);
    if (!d) continue;
    const range = new vscode.Range(d.line, d.valueStart ?? d.start, d.line, d.valueEnd ?? d.end);
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return;
  }
}
