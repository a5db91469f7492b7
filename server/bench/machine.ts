import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

interface Sample {
  at: number;
  /** CPU ticks spent by the whole machine, outside idle and I/O wait. */
  busy: number;
  /** CPU ticks of this process and its descendants, by pid. */
  ours: Map<number, number>;
}

function busyTicks(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

function processes(): Map<number, { ppid: number; ticks: number }> {
  const all = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may contain spaces: fields are counted after it.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      all.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while we looked.
    }
  }
  return all;
}

function sample(): Sample {
  const all = processes();
  const tree = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, { ppid }] of all) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  const ours = new Map<number, number>();
  for (const pid of tree) ours.set(pid, all.get(pid)!.ticks);
  return { at: performance.now(), busy: busyTicks(), ours };
}

/**
 * How busy the rest of the machine was while `work` ran, in cores: other sessions' test suites or
 * builds on these 2 cores take CPU from the server and the load generator and lower every figure.
 */
export async function withOthersLoad<T>(work: () => Promise<T>): Promise<{ result: T; otherCores: number }> {
  const before = sample();
  const result = await work();
  const after = sample();
  let ours = 0;
  for (const [pid, now] of after.ours) ours += now - (before.ours.get(pid) ?? 0);
  const seconds = (after.at - before.at) / 1000;
  return { result, otherCores: Math.max(0, (after.busy - before.busy - ours) / TICKS_PER_SECOND / seconds) };
}
