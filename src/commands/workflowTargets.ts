/**
 * What the workflow commands act on: the workflow file (the argument, else the active editor),
 * parsed and with its steps' scripts read, and the session and remote root of a run's profile.
 * The file is parsed first: a problem (with its line and column) stops the command before anything
 * reaches the cluster. Scripts named by steps are read relative to the workflow file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseProfiles, remoteRootOf } from '../config/profile';
import { UserFacingError } from '../core/errors';
import { readProfilesSetting } from '../vscode/profileSettings';
import type { Services } from '../vscode/services';
import type { WorkflowFiles } from '../vscode/workflowFiles';
import { problemRange } from '../vscode/workflowLanguage';
import { parseWorkflow } from '../workflow/parse';
import type { Workflow } from '../workflow/schema';

export interface LoadedWorkflow {
  uri: vscode.Uri;
  workflow: Workflow;
  scriptTexts: Map<string, string>;
}

export async function loadWorkflow(uri: vscode.Uri): Promise<LoadedWorkflow> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const r = parseWorkflow(doc.getText(), uri.path);
  if (!r.ok) {
    const first = r.problems[0];
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    editor.selection = new vscode.Selection(problemRange(first).start, problemRange(first).end);
    editor.revealRange(problemRange(first));
    throw new UserFacingError(
      `${path.basename(uri.fsPath)} line ${first.line}, column ${first.column}: ${first.message}${r.problems.length > 1 ? ` (and ${r.problems.length - 1} more)` : ''}. Nothing was submitted.`,
      'Fix the file (the Problems view lists every problem) and run it again.',
    );
  }
  const scriptTexts = new Map<string, string>();
  for (const step of r.workflow.steps) {
    if (step.script === undefined || scriptTexts.has(step.script)) continue;
    const scriptUri = vscode.Uri.joinPath(uri, '..', step.script);
    try {
      scriptTexts.set(step.script, new TextDecoder().decode(await vscode.workspace.fs.readFile(scriptUri)));
    } catch {
      throw new UserFacingError(`Step ${step.name}'s script ${step.script} was not found next to ${path.basename(uri.fsPath)}.`, 'Script paths are relative to the workflow file. Fix the path and run again.');
    }
  }
  return { uri, workflow: r.workflow, scriptTexts };
}

export function sessionOf(services: Services, profile: string) {
  const session = services.registry.get(profile);
  const p = parseProfiles(readProfilesSetting().raw).profiles.find((x) => x.name === profile);
  if (!session || !p) throw new UserFacingError(`There is no cluster profile named "${profile}".`, 'Check slurm.profiles in settings.');
  return { session, remoteRoot: remoteRootOf(p) };
}

export function targetUri(arg: unknown, files: WorkflowFiles): vscode.Uri {
  if (arg instanceof vscode.Uri) return arg;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && files.isWorkflow(doc.uri)) return doc.uri;
  throw new UserFacingError('No workflow file is open.', `Open a workflow file (slurm.workflows.filePattern: ${files.pattern()}; the samples have diamond.slurm.yaml) and use its CodeLens or the editor title.`);
}
