// Process-group bookkeeping through /proc, so the shim can prove that chromium and code-server are
// really gone (zombies included) before it exits, and the next run starts from a clean machine.
import * as fs from 'node:fs';

/** Fields of /proc/<pid>/stat after the command name: state, ppid, pgrp. */
function readStat(pid: string): { state: string; pgrp: number } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], pgrp: Number(fields[2]) };
  } catch {
    return undefined; // the process ended while we looked
  }
}

function pids(): string[] {
  return fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
}

/** The process groups of processes whose command line contains `marker`. */
export function processGroupsWithArg(marker: string): number[] {
  const groups = new Set<number>();
  for (const pid of pids()) {
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // the process ended while we looked
    }
    if (cmdline.includes(marker)) {
      const stat = readStat(pid);
      if (stat) groups.add(stat.pgrp);
    }
  }
  return [...groups];
}

function membersOf(pgrp: number): number {
  return pids().filter((pid) => readStat(pid)?.pgrp === pgrp).length;
}

/** Waits until no process (not even a zombie) of these groups remains; SIGKILLs stragglers half way. */
export async function waitForGroupsGone(groups: readonly number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let killed = false;
  for (;;) {
    const left = groups.filter((g) => membersOf(g) > 0);
    if (left.length === 0 || Date.now() > deadline) return left;
    if (!killed && Date.now() > deadline - timeoutMs / 2) {
      killed = true;
      for (const g of left) {
        try {
          process.kill(-g, 'SIGKILL');
        } catch {
          // only zombies left: nothing to kill, init reaps them
        }
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
