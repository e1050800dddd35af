/**
 * Why a job waits, in plain words: Slurm's pending reason (squeue %r, scontrol Reason=) turned into
 * one sentence on what it means, the facts behind it that are known, and what the user can do.
 * Used by the job's tooltip (reason only, no extra call), its details and "Why Pending?" (which add
 * the expected start from `squeue --start`, the dependencies' states and the partition's limits).
 * VS Code-free and pure: every fact is passed in.
 */
import type { JobRow } from './jobRow';
import type { LimitFact } from './pendingLimit';

export interface PendingFacts {
  /** Expected start from `squeue --start` (epoch ms), when the scheduler has one. */
  expectedStart?: number;
  now?: number;
  /** State (and reason) of each job this one depends on, by id, when known. */
  dependencies?: ReadonlyMap<string, { state: string; reason?: string }>;
  /** The partition's limits, when known (from `scontrol -a show partition`). */
  partition?: { name: string; maxTime?: string; nodeCount?: number; state?: string; maxNodes?: string; minNodes?: string };
  /** Jobs of this user running now (for QOS/association job limits). */
  runningJobs?: number;
  /** Reservations now or ahead on the cluster, described ("Maintenance reservation m on node1 from … to …"). */
  reservations?: readonly string[];
  /** The enforced limit the reason names, with what is in use now (scontrol show assoc_mgr). */
  limit?: LimitFact;
  /** The QOS's own limits, when sacctmgr answered. */
  qos?: { name: string; maxJobsPerUser?: number; maxSubmitPerUser?: number; maxWall?: string; maxTresPerUser?: string };
}

/** What a user can do about it; `action` names a command the UI can offer as a button. */
export interface PendingAdvice {
  text: string;
  action?: 'release' | 'cancel' | 'showDependency';
}

export interface PendingExplanation {
  /** Slurm's reason code, e.g. `Priority`, `QOSMaxJobsPerUserLimit`. */
  code: string;
  /** One sentence: what it means. */
  summary: string;
  facts: string[];
  advice: PendingAdvice[];
}

type Job = Pick<JobRow, 'id' | 'reason' | 'dependency' | 'timeLimit' | 'partition'>;

/** `ReqNodeNotAvail, UnavailableNodes:node[1-2]` → code and detail. */
export function splitReason(reason: string): { code: string; detail?: string } {
  const trimmed = reason.trim().replace(/^\((.*)\)$/, '$1');
  if (/^launch failed requeued held$/i.test(trimmed)) return { code: 'launch failed requeued held' };
  const m = /^([A-Za-z_]+)\s*,\s*(.*)$/.exec(trimmed);
  if (m) return { code: m[1], detail: m[2].trim() || undefined };
  return { code: trimmed };
}

const RESOURCE_WORDS: Record<string, string> = {
  Cpu: 'CPUs', CPU: 'CPUs', Mem: 'memory', Memory: 'memory', Node: 'nodes', Nodes: 'nodes', Gres: 'generic resources (GPUs)', GRES: 'generic resources (GPUs)',
  Jobs: 'running jobs', Job: 'running jobs', Submit: 'queued and running jobs', SubmitJob: 'queued and running jobs', SubmitJobs: 'queued and running jobs', Wall: 'wall time', WallDuration: 'wall time', Billing: 'billing units', Energy: 'energy',
  GRESMinutes: 'GPU-minutes', BB: 'burst buffer', License: 'licenses', CpuMins: 'CPU-minutes', CpuRunMins: 'CPU-minutes of running jobs', MemRunMins: 'memory-minutes of running jobs', NodeRunMins: 'node-minutes of running jobs',
  GRESMins: 'GPU-minutes', GRESRunMins: 'GPU-minutes of running jobs', BillingMinutes: 'billing minutes', MemoryMins: 'memory-minutes', NodeMins: 'node-minutes',
  MinCpu: 'minimum CPUs', MinNode: 'minimum nodes', MinMemory: 'minimum memory', MinGRES: 'minimum GPUs', MinBB: 'minimum burst buffer', MinEnergy: 'minimum energy', MinLicense: 'minimum licenses', MinBilling: 'minimum billing',
  Time: 'time',
};

/** QOSMaxJobsPerUserLimit, AssocGrpCpuLimit, QOSGrpGRESRunMinutes, … → who sets it and what it caps. */
function limitReason(code: string): { owner: string; scope: string; what: string } | undefined {
  const m = /^(QOS|Assoc)(Max|Grp|Min)?(.*?)(Limit|RunMinutes|Minutes)?$/.exec(code);
  if (!m || (m[2] === undefined && m[4] === undefined)) return undefined;
  const owner = m[1] === 'QOS' ? 'your QOS' : 'your account (association)';
  let rest = m[3];
  let scope = m[2] === 'Grp' ? 'for the whole group (everyone sharing it)' : m[2] === 'Min' ? 'as a minimum' : '';
  for (const [suffix, words] of [['PerUser', 'per user'], ['PerAccount', 'per account'], ['PerJob', 'per job'], ['PerNode', 'per node'], ['PU', 'per user'], ['PA', 'per account']] as const) {
    if (rest.endsWith(suffix)) {
      rest = rest.slice(0, -suffix.length);
      scope = words;
      break;
    }
  }
  let minutes = m[4] === 'RunMinutes' ? 'RunMins' : m[4] === 'Minutes' ? 'Mins' : '';
  if (rest.endsWith('RunMinutes')) [rest, minutes] = [rest.slice(0, -'RunMinutes'.length), 'RunMins'];
  else if (rest.endsWith('Minutes')) [rest, minutes] = [rest.slice(0, -'Minutes'.length), 'Mins'];
  rest = rest.replace(/^CPU/, 'Cpu').replace(/^MEM/, 'Mem');
  const what = RESOURCE_WORDS[`${rest}${minutes}`] ?? RESOURCE_WORDS[rest] ?? (rest ? `${rest.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}${minutes ? ' (minutes)' : ''}` : 'resources');
  return { owner, scope, what };
}

const fmtTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');

function inWords(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'in less than a minute';
  if (min < 90) return `in about ${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `in about ${h} h`;
  return `in about ${Math.round(h / 24)} days`;
}

/** `afterok:12925(unfulfilled),afterany:7_3` → [{ type: 'afterok', id: '12925' }, …] */
export function parseDependency(dependency: string | undefined): { type: string; id: string }[] {
  if (!dependency || dependency === '(null)') return [];
  const out: { type: string; id: string }[] = [];
  for (const part of dependency.split(/[,?]/)) {
    const m = /^([a-z_]+):(.+)$/.exec(part.trim());
    if (!m) continue;
    for (const idPart of m[2].split(':')) {
      const id = /^(\d+(?:_\d+)?)/.exec(idPart)?.[1];
      if (id) out.push({ type: m[1], id });
    }
  }
  return out;
}

const DEP_WORDS: Record<string, string> = {
  afterok: 'has completed successfully', afternotok: 'has failed', afterany: 'has ended', after: 'has started', aftercorr: 'has completed successfully (task by task)', afterburstbuffer: 'has ended and staged out', singleton: 'no other job of yours with the same name runs',
};

export function explainPending(job: Job, facts: PendingFacts = {}): PendingExplanation {
  const { code, detail } = splitReason(job.reason ?? 'None');
  const out: PendingExplanation = { code, summary: '', facts: [], advice: [] };
  const start = facts.expectedStart;
  if (start !== undefined) out.facts.push(`The scheduler expects it to start at ${fmtTime(start)}${facts.now !== undefined ? ` (${inWords(start - facts.now)})` : ''}.`);
  const p = facts.partition;
  const limit = limitReason(code);
  switch (code) {
    case 'None':
    case '':
      out.summary = 'The scheduler has not looked at this job yet; it usually does within seconds.';
      break;
    case 'Priority':
      out.summary = 'Other jobs are ahead of it in the queue: it waits for its turn (its priority is lower than theirs).';
      out.advice.push({ text: `A shorter time limit${job.timeLimit ? ` than ${job.timeLimit}` : ''} lets the backfill scheduler start it earlier in gaps between bigger jobs.` });
      break;
    case 'Resources':
      out.summary = 'It is next in line but the nodes it needs are busy: it starts when enough CPUs, memory or GPUs are free.';
      out.advice.push({ text: 'Asking for fewer resources or a shorter time limit can let it fit sooner; the Resources view shows what is free now.' });
      break;
    case 'Dependency':
    case 'DependencyNeverSatisfied': {
      const deps = parseDependency(job.dependency);
      const never = code === 'DependencyNeverSatisfied';
      out.summary = never
        ? 'It waits for a job that can no longer satisfy its dependency (e.g. `afterok` on a job that failed): it will never start by itself.'
        : 'It waits for the job(s) it depends on.';
      for (const d of deps) {
        const state = facts.dependencies?.get(d.id);
        out.facts.push(`${d.type === 'singleton' ? 'singleton' : `${d.type}: starts once job ${d.id} ${DEP_WORDS[d.type] ?? `satisfies "${d.type}"`}`}${state ? ` — job ${d.id} is ${state.state}${state.reason && state.reason !== 'None' ? ` (${state.reason})` : ''}` : ''}.`);
      }
      if (deps.length > 0) out.advice.push({ text: `Look at job ${deps[0].id}.`, action: 'showDependency' });
      if (never) out.advice.push({ text: 'Cancel it, fix what the dependency waited for and submit again (or change the dependency with `scontrol update`).', action: 'cancel' });
      break;
    }
    case 'BeginTime':
      out.summary = 'It was submitted with a start time (`--begin`) that has not come yet.';
      if (start === undefined) out.facts.push('It becomes eligible at its --begin time (see the details).');
      break;
    case 'JobHeldUser':
      out.summary = 'It is held (by you or at submit with `--hold`): it will not start until released.';
      out.advice.push({ text: 'Release it to let it start.', action: 'release' });
      break;
    case 'JobHeldAdmin':
      out.summary = 'An administrator holds it: it will not start until they release it.';
      out.advice.push({ text: 'Ask your cluster\'s support why; you cannot release an admin hold yourself.' });
      break;
    case 'launch failed requeued held':
      out.summary = 'Slurm failed to launch it on a node, requeued it and held it so it does not fail again.';
      out.advice.push({ text: 'Release it to try again (check the details for the node), or cancel it.', action: 'release' });
      break;
    case 'Reservation':
      out.summary = 'It waits for its advanced reservation to begin, or for room inside it.';
      for (const r of facts.reservations ?? []) out.facts.push(`${r}.`);
      out.advice.push({ text: 'It can only run inside its reservation; to run sooner elsewhere, cancel it and submit again without --reservation.' });
      break;
    case 'ReqNodeNotAvail':
      out.summary = 'Some nodes it could run on are unavailable (down, drained or reserved, e.g. for maintenance)';
      if (detail && /^UnavailableNodes:/i.test(detail)) {
        out.summary += '.';
        out.facts.push(`Unavailable now: ${detail.replace(/^UnavailableNodes:/i, '') || 'nodes not named'}.`);
      } else if (detail) {
        out.summary += ` — ${detail}.`;
      } else out.summary += '.';
      for (const r of facts.reservations ?? []) out.facts.push(`${r}.`);
      out.advice.push({ text: `A time limit${job.timeLimit ? ` shorter than ${job.timeLimit}` : ''} that ends before a reservation begins lets it run now; otherwise it starts when the nodes return.` });
      break;
    case 'PartitionTimeLimit':
      out.summary = `Its time limit${job.timeLimit ? ` (${job.timeLimit})` : ''} is longer than partition ${job.partition ?? ''} allows: it will not start there as it is.`.replace('  ', ' ');
      if (p?.maxTime) out.facts.push(`Partition ${p.name} allows at most ${p.maxTime}.`);
      out.advice.push({ text: `Lower its time limit${p?.maxTime ? ` to ${p.maxTime} or less` : ''} (\`scontrol update job ${job.id} TimeLimit=…\`), or resubmit to a partition that allows it.` });
      break;
    case 'PartitionNodeLimit':
      out.summary = `It asks for more nodes than partition ${job.partition ?? ''} allows per job (or fewer than its minimum).`.replace('  ', ' ');
      if (p?.maxNodes !== undefined && p.maxNodes !== 'UNLIMITED') out.facts.push(`Partition ${p.name} allows at most ${p.maxNodes} node(s) per job${p.minNodes && p.minNodes !== '0' ? ` and at least ${p.minNodes}` : ''}.`);
      if (p?.nodeCount !== undefined) out.facts.push(`Partition ${p.name} has ${p.nodeCount} node(s) in all.`);
      out.advice.push({ text: 'Ask for fewer nodes, or resubmit to a bigger partition.' });
      break;
    case 'PartitionDown':
    case 'PartitionInactive':
      out.summary = `Partition ${job.partition ?? ''} is ${code === 'PartitionDown' ? 'down' : 'inactive'}: no job starts there until the administrators bring it back.`.replace('  ', ' ');
      if (p?.state) out.facts.push(`Slurm says partition ${p.name} is ${p.state}.`);
      out.advice.push({ text: 'Wait, or cancel and resubmit to another partition.' });
      break;
    case 'JobArrayTaskLimit':
      out.summary = 'The array\'s `%` limit is reached: these tasks start as the running ones end.';
      break;
    case 'NodeDown':
      out.summary = 'A node it needs is down.';
      break;
    case 'BadConstraints':
      out.summary = 'No node can satisfy what it asks for (its constraints, features or sizes): it will not start as it is.';
      out.advice.push({ text: 'Check --constraint, --mem and the GPU request against the nodes in the Resources view; cancel and resubmit.', action: 'cancel' });
      break;
    case 'InvalidQOS':
    case 'InvalidAccount':
      out.summary = `Its ${code === 'InvalidQOS' ? 'QOS' : 'account'} is not valid for you: it will not start as it is.`;
      out.advice.push({ text: `Cancel it and resubmit with a ${code === 'InvalidQOS' ? 'QOS' : 'account'} you may use (\`sacctmgr show assoc user=$USER\`).`, action: 'cancel' });
      break;
    default:
      if (limit) {
        out.summary = `A limit set on ${limit.owner} is reached: ${limit.what}${limit.scope ? ` ${limit.scope}` : ''}. It starts when your (or your group's) usage drops below it.`;
        const q = facts.qos;
        const l = facts.limit;
        if (l) out.facts.push(`${l.where[0].toUpperCase()}${l.where.slice(1)} allows ${l.tres ? `${l.tres}=` : ''}${l.limit} (${l.key}); in use now: ${l.used ?? 'not reported'}.`);
        else if (q && /Jobs/.test(code) && q.maxJobsPerUser !== undefined) out.facts.push(`QOS ${q.name} allows ${q.maxJobsPerUser} running job(s) per user${facts.runningJobs !== undefined ? `; you have ${facts.runningJobs} running` : ''}.`);
        else if (q && /Submit/.test(code) && q.maxSubmitPerUser !== undefined) out.facts.push(`QOS ${q.name} allows ${q.maxSubmitPerUser} queued and running job(s) per user.`);
        else if (q && /Wall/.test(code) && q.maxWall) out.facts.push(`QOS ${q.name} allows at most ${q.maxWall} per job.`);
        else if (q?.maxTresPerUser) out.facts.push(`QOS ${q.name} caps each user at ${q.maxTresPerUser}.`);
        else if (facts.runningJobs !== undefined && /Job/.test(code)) out.facts.push(`You have ${facts.runningJobs} job(s) running.`);
        out.advice.push({ text: /Wall|Time/.test(code) ? 'Lower its time limit, or use a QOS/account that allows more.' : 'Wait for your running jobs to end, or ask for less; a different QOS or account may have room.' });
      } else {
        out.summary = `Slurm says "${job.reason}".`;
        out.advice.push({ text: 'See `man squeue` (JOB REASON CODES) for this reason.' });
      }
  }
  return out;
}

/** The explanation as short Markdown-free lines (tooltip, details header, modal detail). */
export function pendingLines(e: PendingExplanation): string[] {
  return [e.summary, ...e.facts, ...e.advice.map((a) => `→ ${a.text}`)];
}

/**
 * For the details document: `# Why pending: …` comment lines above `scontrol show job`'s text, from
 * its own `JobState=PENDING Reason=… Dependency=…` (scontrol writes spaces in a reason as `_`).
 * Empty when the job is not pending.
 */
export function pendingDetailsHeader(scontrolText: string, job: Pick<JobRow, 'id' | 'timeLimit' | 'partition'>): string {
  const m = /JobState=PENDING Reason=(\S+)(?: Dependency=(\S+))?/.exec(scontrolText);
  if (!m) return '';
  const reason = m[1].replace(/_/g, ' ');
  const dependency = m[2] && m[2] !== '(null)' ? m[2] : undefined;
  const why = explainPending({ ...job, reason, dependency });
  return `${pendingLines(why).map((l, i) => `# ${i === 0 ? 'Why pending: ' : '  '}${l}`).join('\n')}\n#   (Slurm: Why Pending? adds the expected start and the facts behind it.)\n`;
}
