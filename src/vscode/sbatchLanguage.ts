/**
 * #SBATCH language help in shell (and Python) scripts: completion of option names (every sbatch
 * option with its documentation) and values (partitions, QOS and GRES from the cluster, mail types),
 * hovers, and diagnostics. It lives in the entry bundle (entry.ts), so it works as soon as a script
 * opens, before anything else of the extension loaded. Cluster facts (vscode/clusterFacts.ts) come
 * later, from a session that is already connected — opening a script never connects or prompts.
 */
import * as vscode from 'vscode';
import { completionSite, diagnoseScript, directiveAt } from '../language/sbatchDiagnostics';
import { SBATCH_OPTIONS, optionByLong, optionSignature } from '../slurm/sbatchOptions';
import { qosCompletions, type ValueCompletion } from '../language/qosCompletion';
import type { ClusterInfo } from '../slurm/sinfo';
import type { QosInfo } from '../slurm/qos';

const SELECTOR: vscode.DocumentSelector = [{ language: 'shellscript' }, { language: 'python' }];
const MAIL_TYPES = ['NONE', 'BEGIN', 'END', 'FAIL', 'REQUEUE', 'ALL', 'INVALID_DEPEND', 'STAGE_OUT', 'TIME_LIMIT', 'TIME_LIMIT_90', 'TIME_LIMIT_80', 'TIME_LIMIT_50', 'ARRAY_TASKS'];

/**
 * Facts of a connected cluster for completion values and diagnostics (vscode/clusterFacts.ts, in the
 * full bundle): nothing until a session is connected, so opening a script never connects.
 */
export interface SbatchClusterFacts {
  /** What is known now (refreshed in the background). */
  current(): ClusterInfo | undefined;
  /** The QOS of the connected cluster (asked the first time they are wanted). */
  qos(): Promise<QosInfo[] | undefined>;
}

/** What the entry keeps of the language help to hand the full bundle (entryHost.ts). */
export interface SbatchLanguage {
  useFacts(facts: SbatchClusterFacts): void;
  rediagnose(): void;
}

function optionDoc(long: string): vscode.MarkdownString | undefined {
  const o = optionByLong(long).option;
  if (!o) return undefined;
  const md = new vscode.MarkdownString();
  md.appendCodeblock(optionSignature(o), 'text');
  md.appendMarkdown(o.doc);
  if (o.plugin) md.appendMarkdown(`\n\n_From the ${o.plugin} plugin._`);
  return md;
}

export function registerSbatchLanguage(context: vscode.ExtensionContext): SbatchLanguage {
  const diagnostics = vscode.languages.createDiagnosticCollection('sbatch');
  const timers = new Map<string, NodeJS.Timeout>();
  let facts: SbatchClusterFacts | undefined;

  const diagnose = (doc: vscode.TextDocument): void => {
    if (doc.languageId !== 'shellscript' && doc.languageId !== 'python') return;
    const text = doc.getText();
    if (!text.includes('#SBATCH')) {
      diagnostics.delete(doc.uri);
      return;
    }
    const found = diagnoseScript(text, facts?.current());
    diagnostics.set(doc.uri, found.map((d) => {
      const diag = new vscode.Diagnostic(
        new vscode.Range(d.line, d.start, d.line, Math.max(d.end, d.start + 1)),
        d.message,
        d.severity === 'error' ? vscode.DiagnosticSeverity.Error : d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
      );
      diag.source = 'sbatch';
      diag.code = d.code;
      return diag;
    }));
  };
  const schedule = (doc: vscode.TextDocument, delayMs = 300): void => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => {
      timers.delete(key);
      diagnose(doc);
    }, delayMs));
  };

  const completion: vscode.CompletionItemProvider = {
    async provideCompletionItems(doc, position) {
      const site = completionSite(doc.lineAt(position.line).text, position.character);
      if (!site) return undefined;
      if (site.kind === 'option') {
        const start = position.translate(0, -site.prefix.length);
        return SBATCH_OPTIONS.map((o) => {
          const item = new vscode.CompletionItem({ label: `--${o.long}`, description: o.short ? `-${o.short}` : undefined }, vscode.CompletionItemKind.Property);
          item.insertText = o.arg === 'required' ? new vscode.SnippetString(`--${o.long}=$0`) : `--${o.long}`;
          item.range = new vscode.Range(start, position);
          item.filterText = `--${o.long}`;
          item.documentation = optionDoc(o.long);
          if (o.arg === 'required') item.command = { title: 'values', command: 'editor.action.triggerSuggest' };
          return item;
        });
      }
      const info = facts?.current();
      const values: ValueCompletion[] = [];
      if (site.option === 'partition' && info) {
        for (const p of info.partitions) values.push({ label: p.name, detail: `${p.isDefault ? 'default · ' : ''}${p.cpus.idle}/${p.cpus.total} CPUs free${p.gpus.total ? ` · ${p.gpus.total - p.gpus.used}/${p.gpus.total} GPUs free` : ''}` });
      }
      if (site.option === 'gres' && info) {
        const seen = new Set<string>();
        for (const n of info.nodes) for (const g of (n.gres ?? '').split(',')) {
          const m = /^([^:(]+(?::[^:(]+)?):?(\d+)?/.exec(g.trim());
          if (m && !seen.has(m[1])) {
            seen.add(m[1]);
            const max = info.nodes.reduce((mx, x) => Math.max(mx, x.gpus.total), 0);
            values.push({ label: `${m[1]}:1`, detail: `up to ${max} per node` });
          }
        }
      }
      if (site.option === 'qos') values.push(...qosCompletions((await facts?.qos()) ?? []));
      if (site.option === 'mail-type') for (const t of MAIL_TYPES) values.push({ label: t });
      if (site.option === 'time') for (const t of ['10', '30', '1:00:00', '12:00:00', '1-00:00:00']) values.push({ label: t, detail: 'time limit' });
      return values.map((v) => {
        const item = new vscode.CompletionItem(v.label, vscode.CompletionItemKind.Value);
        item.detail = v.detail;
        if (v.documentation !== undefined) item.documentation = new vscode.MarkdownString(v.documentation);
        return item;
      });
    },
  };

  const hover: vscode.HoverProvider = {
    provideHover(doc, position) {
      const d = directiveAt(doc.getText(), position.line, position.character);
      if (!d) return undefined;
      const md = optionDoc(d.option);
      return md ? new vscode.Hover(md, new vscode.Range(d.line, d.start, d.line, d.valueEnd ?? d.end)) : undefined;
    },
  };

  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerCompletionItemProvider(SELECTOR, completion, '-', '=', ' '),
    vscode.languages.registerHoverProvider(SELECTOR, hover),
    vscode.workspace.onDidOpenTextDocument((d) => schedule(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  for (const d of vscode.workspace.textDocuments) schedule(d, 0);
  const rediagnose = (): void => vscode.workspace.textDocuments.forEach((d) => schedule(d, 0));
  return {
    useFacts(f) {
      facts = f;
      rediagnose();
    },
    rediagnose,
  };
}
