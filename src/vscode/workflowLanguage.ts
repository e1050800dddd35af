/**
 * Workflow files in the editor: a "Run Workflow" CodeLens at the top of every `*.slurm.yaml`, and
 * our own diagnostics (line and column from parseWorkflow) when Red Hat's YAML extension, which
 * checks the file against the contributed JSON Schema, is not installed. Graph problems (unknown
 * step, cycle) are ours either way: a JSON Schema cannot express them.
 */
import * as vscode from 'vscode';
import { parseWorkflow, type WorkflowProblem } from '../workflow/parse';

export const WORKFLOW_FILE = /\.slurm\.ya?ml$/i;
const REDHAT_YAML = 'redhat.vscode-yaml';

export function isWorkflowDocument(doc: vscode.TextDocument): boolean {
  return WORKFLOW_FILE.test(doc.uri.path);
}

export function problemRange(p: WorkflowProblem): vscode.Range {
  const start = new vscode.Position(Math.max(0, p.line - 1), Math.max(0, p.column - 1));
  const end = new vscode.Position(Math.max(0, p.endLine - 1), Math.max(0, p.endColumn - 1));
  return new vscode.Range(start, end.isAfter(start) ? end : start.translate(0, 1));
}

class RunWorkflowLens implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!isWorkflowDocument(doc)) return [];
    return [new vscode.CodeLens(new vscode.Range(0, 0, 0, 0), { title: '$(run-all) Run Workflow', command: 'slurm.runWorkflow', arguments: [doc.uri] })];
  }
}

/** A problem is a schema problem when Red Hat YAML would report it too (it has no graph checks). */
function isGraphProblem(p: WorkflowProblem): boolean {
  return /depends on|Dependency cycle|Duplicate step name/.test(p.message);
}

export function registerWorkflowLanguage(context: vscode.ExtensionContext): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('slurm-workflow');
  const check = (doc: vscode.TextDocument) => {
    if (!isWorkflowDocument(doc)) return;
    const r = parseWorkflow(doc.getText(), doc.uri.path);
    const redHat = vscode.extensions.getExtension(REDHAT_YAML) !== undefined;
    const shown = r.ok ? [] : r.problems.filter((p) => !redHat || isGraphProblem(p));
    diagnostics.set(doc.uri, shown.map((p) => {
      const d = new vscode.Diagnostic(problemRange(p), p.message, vscode.DiagnosticSeverity.Error);
      d.source = 'Slurm workflow';
      return d;
    }));
  };
  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerCodeLensProvider([{ pattern: '**/*.slurm.yaml' }, { pattern: '**/*.slurm.yml' }], new RunWorkflowLens()),
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => diagnostics.delete(doc.uri)),
  );
  vscode.workspace.textDocuments.forEach(check);
}
