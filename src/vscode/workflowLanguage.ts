/**
 * Workflow files in the editor (which files: workflowFiles.ts, `slurm.workflows.filePattern`): a
 * "Run Workflow" and a "Show Graph" CodeLens at the top, and our own diagnostics (line and column
 * from parseWorkflow) when Red Hat's YAML extension, which checks the file against the contributed
 * JSON Schema, is not installed. Graph problems (unknown step, cycle) are ours either way: a JSON
 * Schema cannot express them.
 */
import * as vscode from 'vscode';
import { parseWorkflow, type WorkflowProblem } from '../workflow/parse';
import type { WorkflowFiles } from './workflowFiles';

const REDHAT_YAML = 'redhat.vscode-yaml';

export function problemRange(p: WorkflowProblem): vscode.Range {
  const start = new vscode.Position(Math.max(0, p.line - 1), Math.max(0, p.column - 1));
  const end = new vscode.Position(Math.max(0, p.endLine - 1), Math.max(0, p.endColumn - 1));
  return new vscode.Range(start, end.isAfter(start) ? end : start.translate(0, 1));
}

class WorkflowLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly files: WorkflowFiles) {
    files.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.files.isWorkflow(doc.uri)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: '$(run-all) Run Workflow', command: 'slurm.runWorkflow', arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: '$(type-hierarchy) Show Graph', command: 'slurm.workflow.showGraph', arguments: [doc.uri] }),
    ];
  }
}

/** A problem is a schema problem when Red Hat YAML would report it too (it has no graph checks). */
function isGraphProblem(p: WorkflowProblem): boolean {
  return /depends on|Dependency cycle|Duplicate step name/.test(p.message);
}

export function registerWorkflowLanguage(context: vscode.ExtensionContext, files: WorkflowFiles): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('slurm-workflow');
  const check = (doc: vscode.TextDocument) => {
    // Workflow files are YAML; other documents are not even matched against the pattern.
    if (doc.languageId !== 'yaml' || !files.isWorkflow(doc.uri)) {
      diagnostics.delete(doc.uri);
      return;
    }
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
    vscode.languages.registerCodeLensProvider([{ language: 'yaml' }], new WorkflowLenses(files)),
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
    vscode.workspace.onDidCloseTextDocument((doc) => diagnostics.delete(doc.uri)),
    files.onDidChange(() => vscode.workspace.textDocuments.forEach(check)),
  );
  vscode.workspace.textDocuments.forEach(check);
}
