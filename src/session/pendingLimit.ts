/**
 * Which enforced limit a QOS or association (Assoc…) pending reason is about, with its value and
 * current usage, from `scontrol show assoc_mgr` (slurm/assocMgr.ts): QOSMaxJobsPerUserLimit → the
 * QOS's MaxJobsPU, AssocMaxJobsLimit → the user's association's MaxJobs, AssocGrpCpuLimit → GrpTRES
 * cpu of the user's association or, when it sets none, its account's. Pure; VS Code-free.
 */
import type { LimitRecord, LimitValue } from '../slurm/assocMgr';

export interface LimitFact {
  /** "QOS zoo-maxjobs", "account zoo-assoc-cpu", "your association in account zoo-assoc-jobs". */
  where: string;
  /** Slurm's name of the limit (MaxJobsPU, MaxJobs, GrpTRES, MaxTRESRunMinsPU, …). */
  key: string;
  /** For TRES limits: which one (cpu, mem, node, gres/gpu, …). */
  tres?: string;
  limit: string;
  used?: string;
}

interface Wanted {
  kind: 'qos' | 'assoc';
  key: string;
  tres?: string;
}

const SCOPE_SUFFIX: [string, string][] = [['PerUser', 'PU'], ['PerAccount', 'PA'], ['PerJob', 'PJ'], ['PerNode', 'PN']];
const TRES_NAMES: Record<string, string> = { Cpu: 'cpu', CPU: 'cpu', Mem: 'mem', Memory: 'mem', MEM: 'mem', Node: 'node', GRES: 'gres/', Gres: 'gres/', Billing: 'billing', Energy: 'energy' };

/** The assoc_mgr key (and TRES) a reason code names; undefined for codes that are not limits. */
export function limitKey(code: string): Wanted | undefined {
  const m = /^(QOS|Assoc)(Grp|Max|Min)(.+?)(Limit)?$/.exec(code);
  if (!m) return undefined;
  const kind = m[1] === 'QOS' ? 'qos' : 'assoc';
  const group = m[2];
  let rest = m[3];
  let suffix = '';
  for (const [words, short] of SCOPE_SUFFIX) {
    if (rest.endsWith(words)) {
      rest = rest.slice(0, -words.length);
      suffix = short;
      break;
    }
  }
  if (/^Jobs?$/.test(rest)) return { kind, key: `${group}Jobs${kind === 'qos' && group === 'Max' ? suffix || 'PU' : ''}` };
  if (/^SubmitJobs?$/.test(rest)) return { kind, key: `${group}SubmitJobs${kind === 'qos' && group === 'Max' ? suffix || 'PU' : ''}` };
  if (/^Wall(Duration)?$/.test(rest)) return { kind, key: group === 'Grp' ? 'GrpWall' : 'MaxWallPJ' };
  let minutes = '';
  if (rest.endsWith('RunMinutes')) [rest, minutes] = [rest.slice(0, -'RunMinutes'.length), 'RunMins'];
  else if (rest.endsWith('Minutes')) [rest, minutes] = [rest.slice(0, -'Minutes'.length), 'Mins'];
  const tres = TRES_NAMES[rest];
  if (!tres) return undefined;
  // Per-job and per-node TRES keep their suffix for associations too (MaxTRESPJ); an association's
  // own job/submit limits have none (MaxJobs), handled above.
  return { kind, key: `${group}TRES${minutes}${suffix}`, tres };
}

function pick(record: LimitRecord, want: Wanted): { value: LimitValue; tres?: string } | undefined {
  if (want.tres === undefined) {
    const value = record.limits.get(want.key);
    return value?.limit !== undefined ? { value } : undefined;
  }
  const list = record.tres.get(want.key);
  if (!list) return undefined;
  for (const [name, value] of list) {
    const matches = want.tres.endsWith('/') ? name.startsWith(want.tres) : name === want.tres;
    if (matches && value.limit !== undefined) return { value, tres: name };
  }
  return undefined;
}

/**
 * The limit behind `code` for this job: from its QOS's record, or from the user's association in
 * the job's account and then that account's own association. Undefined when no record sets it
 * (a parent account's limit, or a site that hides assoc_mgr with PrivateData).
 */
export function limitFact(code: string, records: readonly LimitRecord[], job: { qos?: string; account?: string; user?: string }): LimitFact | undefined {
  const want = limitKey(code);
  if (!want) return undefined;
  const candidates = want.kind === 'qos'
    ? records.filter((r) => r.kind === 'qos' && (job.qos === undefined || r.name === job.qos))
    : [
        ...records.filter((r) => r.kind === 'assoc' && r.user !== undefined && (job.account === undefined || r.name === job.account) && (job.user === undefined || r.user === job.user)),
        ...records.filter((r) => r.kind === 'assoc' && r.user === undefined && (job.account === undefined || r.name === job.account)),
      ];
  for (const r of candidates) {
    const hit = pick(r, want);
    if (!hit || hit.value.limit === undefined) continue;
    const where = r.kind === 'qos' ? `QOS ${r.name}` : r.user !== undefined ? `your association in account ${r.name}` : `account ${r.name}`;
    return { where, key: want.key, tres: hit.tres, limit: hit.value.limit, used: hit.value.used };
  }
  return undefined;
}
