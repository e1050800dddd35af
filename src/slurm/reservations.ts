/**
 * Reservations, to warn when a job's requested time window overlaps a maintenance (or any other)
 * reservation on the nodes it could use. One call for the whole cluster:
 *
 *   env SLURM_TIME_FORMAT=%Y-%m-%dT%H:%M:%S%z scontrol show reservation -o
 *
 * Seen on 22.05: "No reservations in the system" (exit 0) when there are none; otherwise one line
 * per reservation, `Key=Value` pairs, Flags like "MAINT,IGNORE_JOBS,SPEC_NODES", Nodes as a hostlist.
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazySchema';
import type { SlurmCall } from './call';
import { SlurmParseError } from './errors';
import { parseKeyValueLine } from './scontrol';
import { SLURM_TIME_FORMAT, parseSlurmTime } from './time';
import { expandHostlist } from './hostlist';

export interface Reservation {
  name: string;
  start: Date;
  end: Date;
  /** Expanded node names ("node[3-4]" -> node3, node4). */
  nodes: string[];
  nodeList: string;
  partition?: string;
  flags: string[];
  /** MAINT flag: the admins' maintenance window. */
  maintenance: boolean;
  users?: string;
  accounts?: string;
  /** ACTIVE or INACTIVE. */
  state: string;
}

export function scontrolShowReservationsArgv(): string[] {
  return ['env', `SLURM_TIME_FORMAT=${SLURM_TIME_FORMAT}`, 'scontrol', 'show', 'reservation', '-o'];
}

export function scontrolShowReservationsCall(utcOffsetMinutes: number): SlurmCall<Reservation[]> {
  return { name: 'scontrol show reservation', argv: scontrolShowReservationsArgv(), parse: (o) => parseReservations(o.stdout, utcOffsetMinutes) };
}

const ReservationLine = lazySchema(() => z.object({
  ReservationName: z.string().min(1),
  StartTime: z.string().min(1),
  EndTime: z.string().min(1),
  Nodes: z.string().default(''),
  PartitionName: z.string().optional(),
  Flags: z.string().default(''),
  Users: z.string().optional(),
  Accounts: z.string().optional(),
  State: z.string().default(''),
}));

const NONE = new Set(['', '(null)', 'N/A']);

export function parseReservations(stdout: string, utcOffsetMinutes: number): Reservation[] {
  const out: Reservation[] = [];
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || /^No reservations in the system/.test(line)) continue;
    try {
      const fields = ReservationLine.safeParse(Object.fromEntries(parseKeyValueLine(line)));
      if (!fields.success) {
        const issue = fields.error.issues[0];
        throw new Error(`${String(issue?.path[0])}: ${issue?.message ?? 'invalid'}`);
      }
      const f = fields.data;
      const start = parseSlurmTime(f.StartTime, utcOffsetMinutes, 'StartTime');
      const end = parseSlurmTime(f.EndTime, utcOffsetMinutes, 'EndTime');
      if (!start || !end) throw new Error('a reservation without start or end time');
      const flags = NONE.has(f.Flags) ? [] : f.Flags.split(',');
      const r: Reservation = {
        name: f.ReservationName,
        start,
        end,
        nodes: NONE.has(f.Nodes) ? [] : expandHostlist(f.Nodes),
        nodeList: NONE.has(f.Nodes) ? '' : f.Nodes,
        flags,
        maintenance: flags.includes('MAINT'),
        state: f.State,
      };
      if (f.PartitionName !== undefined && !NONE.has(f.PartitionName)) r.partition = f.PartitionName;
      if (f.Users !== undefined && !NONE.has(f.Users)) r.users = f.Users;
      if (f.Accounts !== undefined && !NONE.has(f.Accounts)) r.accounts = f.Accounts;
      out.push(r);
    } catch (e) {
      if (e instanceof SlurmParseError) throw e;
      throw new SlurmParseError('scontrol show reservation', e instanceof Error ? e.message : String(e), line, i + 1);
    }
  }
  return out;
}

export interface TimeWindow {
  start: Date;
  end: Date;
}

/**
 * Reservations that overlap [start, end) on any of `nodes` (a partition's nodes). A reservation
 * without nodes but naming the partition counts too. Half-open: a job ending exactly when the
 * maintenance starts does not overlap.
 */
export function overlappingReservations(reservations: readonly Reservation[], window: TimeWindow, scope: { nodes: readonly string[]; partition?: string }): Reservation[] {
  const nodes = new Set(scope.nodes);
  return reservations.filter((r) => {
    if (!(r.start.getTime() < window.end.getTime() && window.start.getTime() < r.end.getTime())) return false;
    if (r.nodes.some((n) => nodes.has(n))) return true;
    return r.nodes.length === 0 && r.partition !== undefined && r.partition === scope.partition;
  });
}

/** A one-line warning for the submit flow or a tooltip: "Maintenance h8_maint on node[3-4] from … to …". */
export function describeReservation(r: Reservation, formatTime: (d: Date) => string = (d) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC'): string {
  const what = r.maintenance ? 'Maintenance reservation' : 'Reservation';
  const where = r.nodeList ? ` on ${r.nodeList}` : r.partition ? ` in partition ${r.partition}` : '';
  return `${what} ${r.name}${where} from ${formatTime(r.start)} to ${formatTime(r.end)}`;
}
