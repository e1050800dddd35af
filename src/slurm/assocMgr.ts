/**
 * scontrol show assoc_mgr: the limits slurmctld enforces on a user's association and QOS, each with
 * what is in use now — the facts behind QOS* and Assoc* pending reasons, in ONE call:
 *
 *   scontrol show assoc_mgr flags=assoc,qos users=<user> accounts=<account> qos=<qos>
 *
 * Seen on 22.05 and 24.11 (AccountingStorageEnforce=associations,limits,qos):
 *
 *   ClusterName=bundled Account=zoo-assoc-cpu UserName= Partition= Priority=0 ID=16
 *       GrpJobs=N(1) GrpJobsAccrue=N(2)
 *       GrpTRES=cpu=2(2),mem=N(500),…
 *       MaxJobs= MaxJobsAccrue= MaxSubmitJobs= MaxWallPJ=
 *   ClusterName=bundled Account=zoo-assoc-jobs UserName=slurmuser(2000) …
 *       MaxJobs=1(1) …
 *   QOS=zoo-maxjobs(8)
 *       GrpJobs=N(1) …
 *       User Limits
 *         2000                       (24.11: "slurmuser(2000)")
 *           MaxJobsPU=1(1) MaxJobsAccruePU=N(1) MaxSubmitJobsPU=N(2)
 *
 * A value is `limit(used)`: `N` for no limit; empty (`MaxJobs=`) when there is no limit and no count.
 * TRES lists hold one such value per TRES. The QOS's "Account Limits"/"User Limits" sections are
 * filtered by the call to this account and user, so their PA/PU keys are this job's.
 */
import type { SlurmCall } from './call';
import { SlurmParseError } from './errors';

export interface LimitValue {
  /** The limit as Slurm prints it ("1", "2", "01:00:00"); undefined when none is set ("N"). */
  limit?: string;
  /** In use now, as Slurm prints it; undefined when Slurm prints nothing. */
  used?: string;
}

export interface LimitRecord {
  kind: 'assoc' | 'qos';
  /** QOS name, or the association's account. */
  name: string;
  /** The association's user; undefined for an account's own association and for a QOS. */
  user?: string;
  /** Plain limits by key (MaxJobs, GrpJobs, MaxJobsPU, MaxWallPJ, …). */
  limits: Map<string, LimitValue>;
  /** TRES limits by key (GrpTRES, MaxTRESPU, MaxTRESPJ, …), then by TRES (cpu, mem, gres/gpu, …). */
  tres: Map<string, Map<string, LimitValue>>;
}

export interface AssocMgrQuery {
  user: string;
  account?: string;
  qos?: string;
}

/** A user, account or QOS name as Slurm allows it; anything else could add a filter of its own. */
function nameArg(what: string, value: string): string {
  if (!/^[A-Za-z0-9_.@+-]+$/.test(value)) throw new Error(`Invalid ${what} name for scontrol show assoc_mgr: ${JSON.stringify(value)}`);
  return value;
}

export function assocMgrArgv(q: AssocMgrQuery): string[] {
  const argv = ['scontrol', 'show', 'assoc_mgr', 'flags=assoc,qos', `users=${nameArg('user', q.user)}`];
  if (q.account) argv.push(`accounts=${nameArg('account', q.account)}`);
  if (q.qos) argv.push(`qos=${nameArg('qos', q.qos)}`);
  return argv;
}

export function assocMgrCall(q: AssocMgrQuery): SlurmCall<LimitRecord[]> {
  return { name: 'scontrol show assoc_mgr', argv: assocMgrArgv(q), parse: (o) => parseAssocMgr(o.stdout) };
}

/** `1(1)` → { limit: '1', used: '1' }; `N(500)` → { used: '500' }; `` → {}. */
function limitValue(text: string): LimitValue {
  const m = /^([^()]*)(?:\(([^()]*)\))?$/.exec(text);
  if (!m) return {};
  const limit = m[1] === '' || m[1] === 'N' ? undefined : m[1];
  return { limit, used: m[2] };
}

const TRES_KEY = /TRES/;

export function parseAssocMgr(stdout: string): LimitRecord[] {
  const out: LimitRecord[] = [];
  let cur: LimitRecord | undefined;
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const assoc = /^ClusterName=\S* Account=(\S+) UserName=(\S*)/.exec(line);
    const qos = /^QOS=([^\s(]+)(?:\(\d+\))?$/.exec(line);
    if (assoc) {
      const user = assoc[2].replace(/\(\d+\)$/, '');
      cur = { kind: 'assoc', name: assoc[1], user: user || undefined, limits: new Map(), tres: new Map() };
      out.push(cur);
      continue;
    }
    if (qos) {
      cur = { kind: 'qos', name: qos[1], limits: new Map(), tres: new Map() };
      out.push(cur);
      continue;
    }
    if (!cur) {
      if (/^(Current Association Manager state|Association Records|QOS Records|User Records)$/.test(line)) continue;
      throw new SlurmParseError('scontrol show assoc_mgr', 'a limit line before any association or QOS record', line, i + 1);
    }
    // Section titles and the account/user names under them carry no "=".
    if (!line.includes('=')) continue;
    for (const token of line.split(/\s+/)) {
      const eq = token.indexOf('=');
      if (eq <= 0) continue;
      const key = token.slice(0, eq);
      const value = token.slice(eq + 1);
      if (TRES_KEY.test(key)) {
        const byTres = new Map<string, LimitValue>();
        for (const part of value.split(',')) {
          const m = /^([^=]+)=(.*)$/.exec(part);
          if (m) byTres.set(m[1], limitValue(m[2]));
        }
        if (!cur.tres.has(key)) cur.tres.set(key, byTres);
      } else if (!cur.limits.has(key)) cur.limits.set(key, limitValue(value));
    }
  }
  return out;
}
