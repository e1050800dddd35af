/**
 * #SBATCH language help in shell (and Python) scripts: completion of option names (every sbatch
 * option with its documentation) and values (partitions, QOS and GRES from the cluster, mail types),
 * hovers, and diagnostics. Cluster facts come from `sinfo` of a session that is already connected
 * — opening a script never connects or prompts for a password.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import { logger } from '../core/logger';
import { completionSite, diagnoseScript, directiveAt } from '../language/sbatchDiagnostics';
import { SBATCH_OPTIONS, optionByLong, optionSignature } from '../slurm/sbatchOptions';
import { qosCompletions, type ValueCompletion } from '../language/qosCompletion';
import type { ClusterSession } from '../session/clusterSession';
import { qosCall, runCall, sinfoCall, type ClusterInfo, type QosInfo } from '../slurm';
import { OnDemandSessionRegistry } from './onDemandRegistry';
import type { Services } from './services';

const SELECTOR: vscode.DocumentSelector = [{ language: 'shellscript' }, { language: 'python' }];
const CACHE_MS = 60_000;
const QOS_CACHE_MS = 5 * 60_000;
const MAIL_TYPES = ['NONE', 'BEGIN', 'END', 'FAIL', 'REQUEUE', 'ALL', 'INVALID_DEPEND', 'STAGE_OUT', 'TIME_LIMIT', 'TIME_LIMIT_90', 'TIME_LIMIT_80', 'TIME_LIMIT_50', 'ARRAY_TASKS'];

class ClusterFacts {
  private cached: { at: number; info: ClusterInfo } | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly qosByCluster = new Map<string, { at: number; qos: QosInfo[] | undefined }>();
  private readonly qosInFlight = new Map<string, Promise<QosInfo[] | undefined>>();
  constructor(private readonly services: Services, private readonly onUpdate: () => void) {}

  /** What we know now; refreshes in the background from a connected session. */
  current(): ClusterInfo | undefined {
    if (!this.cached || Date.now() - this.cached.at > CACHE_MS) this.refresh();
    return this.cached?.info;
  }

  /**
   * The QOS of the connected cluster, for `--qos=` values: asked the first time they are wanted
   * (the completion waits for it), then cached per cluster for a few minutes — QOS rarely change.
   */
  async qos(): Promise<QosInfo[] | undefined> {
    const session = this.connectedSession();
    if (!session) return undefined;
    const name = session.profileName;
    const entry = this.qosByCluster.get(name);
    if (entry && Date.now() - entry.at <= QOS_CACHE_MS) return entry.qos;
    let pending = this.qosInFlight.get(name);
    if (!pending) {
      pending = runCall(session.transport, qosCall(), { timeoutMs: this.services.commandTimeoutMs() })
        .then((qos): QosInfo[] | undefined => qos, (err: unknown) => {
          // No accounting (slurmdbd) means no QOS to offer: remembered too, not asked on every keystroke.
          logger.debug(`sacctmgr show qos for #SBATCH help failed on ${name}: ${errorMessage(err)}`);
          return undefined;
        })
        .then((qos) => {
          this.qosByCluster.set(name, { at: Date.now(), qos });
          return qos;
        })
        .finally(() => this.qosInFlight.delete(name));
      this.qosInFlight.set(name, pending);
    }
    return pending;
  }

  private connectedSession(): ClusterSession | undefined {
    // Only borrows a connection that exists: asking the on-demand registry for all() would start every session.
    const registry = this.services.registry;
    const sessions = registry instanceof OnDemandSessionRegistry ? registry.startedSessions() : registry.all();
    return sessions.find((s) => s.transport.state.kind === 'connected');
  }

  private refresh(): void {
    if (this.inFlight) return;
    const session = this.connectedSession();
    if (!session) return;
    this.inFlight = runCall(session.transport, sinfoCall(), { timeoutMs: this.services.commandTimeoutMs() })
      .then((info) => {
        this.cached = { at: Date.now(), info };
        this.onUpdate();
      }, (err: unknown) => logger.debug(`sinfo for #SBATCH help failed: ${errorMessage(err)}`))
      .finally(() => (this.inFlight = undefined));
  }
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

export function registerSbatchLanguage(services: Services): void {
  const diagnostics = vscode.languages.createDiagnosticCollection('sbatch');
  const timers = new Map<string, NodeJS.Timeout>();
  const facts = new ClusterFacts(services, () => vscode.workspace.textDocuments.forEach((d) => schedule(d, 0)));

  const diagnose = (doc: vscode.TextDocument): void => {
    if (doc.languageId !== 'shellscript' && doc.languageId !== 'python') return;
    const text = doc.getText();
    if (!text.includes('#SBATCH')) {
      diagnostics.delete(doc.uri);
      return;
    }
    const found = diagnoseScript(text, facts.current());
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
      const info = facts.current();
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
      if (site.option === 'qos') values.push(...qosCompletions((await facts.qos()) ?? []));
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

  services.context.subscriptions.push(
    diagnostics,
    vscode.languages.registerCompletionItemProvider(SELECTOR, completion, '-', '=', ' '),
    vscode.languages.registerHoverProvider(SELECTOR, hover),
    vscode.workspace.onDidOpenTextDocument((d) => schedule(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  for (const d of vscode.workspace.textDocuments) schedule(d, 0);
}
