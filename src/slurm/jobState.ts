/**
 * Job states as squeue/sacct/scontrol print them (long form), their compact codes, and the phase
 * the UI groups them by. States Slurm may add later are kept as themselves (`known: false`).
 */
export type JobPhase = 'pending' | 'active' | 'finished' | 'unknown';

/** Every state in the squeue(1)/sacct(1) "JOB STATE CODES" sections (22.05 through 24.11). */
export const JOB_STATES = {
  BOOT_FAIL: { code: 'BF', phase: 'finished' },
  CANCELLED: { code: 'CA', phase: 'finished' },
  COMPLETED: { code: 'CD', phase: 'finished' },
  CONFIGURING: { code: 'CF', phase: 'active' },
  COMPLETING: { code: 'CG', phase: 'active' },
  DEADLINE: { code: 'DL', phase: 'finished' },
  FAILED: { code: 'F', phase: 'finished' },
  NODE_FAIL: { code: 'NF', phase: 'finished' },
  OUT_OF_MEMORY: { code: 'OOM', phase: 'finished' },
  PENDING: { code: 'PD', phase: 'pending' },
  PREEMPTED: { code: 'PR', phase: 'finished' },
  RUNNING: { code: 'R', phase: 'active' },
  RESV_DEL_HOLD: { code: 'RD', phase: 'pending' },
  REQUEUE_FED: { code: 'RF', phase: 'pending' },
  REQUEUE_HOLD: { code: 'RH', phase: 'pending' },
  REQUEUED: { code: 'RQ', phase: 'pending' },
  RESIZING: { code: 'RS', phase: 'active' },
  REVOKED: { code: 'RV', phase: 'finished' },
  SIGNALING: { code: 'SI', phase: 'active' },
  SPECIAL_EXIT: { code: 'SE', phase: 'finished' },
  STAGE_OUT: { code: 'SO', phase: 'active' },
  STOPPED: { code: 'ST', phase: 'active' },
  SUSPENDED: { code: 'S', phase: 'active' },
  TIMEOUT: { code: 'TO', phase: 'finished' },
  // Flags that some versions print as a state of their own.
  LAUNCH_FAILED: { code: 'LF', phase: 'finished' },
  RECONFIG_FAIL: { code: 'RC', phase: 'finished' },
  POWER_UP_NODE: { code: 'PU', phase: 'pending' },
  UPDATE_DB: { code: 'UD', phase: 'active' },
} as const satisfies Record<string, { code: string; phase: JobPhase }>;

export type KnownJobState = keyof typeof JOB_STATES;

export interface JobState {
  /** Long name, e.g. "CANCELLED"; an unknown state is kept verbatim (upper-cased). */
  name: string;
  known: boolean;
  phase: JobPhase;
  /** "CANCELLED by 1000": the uid that cancelled the job. */
  byUid?: number;
  /** Exactly as printed. */
  raw: string;
}

const BY_CODE = new Map<string, KnownJobState>(
  (Object.keys(JOB_STATES) as KnownJobState[]).map((name) => [JOB_STATES[name].code, name]),
);

const cache = new Map<string, JobState>();

/**
 * Never throws: Slurm's state vocabulary grows, and an unknown state must still show.
 * Accepts long names, compact codes ("PD"), a trailing "+" (sacct's cut marker) and "by <uid>".
 */
export function parseJobState(raw: string): JobState {
  const hit = cache.get(raw);
  if (hit) return hit;
  const state = computeState(raw);
  if (cache.size < 1000) cache.set(raw, state);
  return state;
}

function computeState(raw: string): JobState {
  const trimmed = raw.trim();
  const by = /^(\S+)\s+by\s+(\d+)$/.exec(trimmed);
  const word = (by ? by[1] : trimmed).replace(/\+$/, '').toUpperCase();
  const name: string = word in JOB_STATES ? word : (BY_CODE.get(word) ?? word);
  const known = name in JOB_STATES;
  const phase: JobPhase = known ? JOB_STATES[name as KnownJobState].phase : 'unknown';
  const base: JobState = { name, known, phase, raw };
  return Object.freeze(by ? { ...base, byUid: Number(by[2]) } : base);
}
