import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time a process has used so far (user + system), in seconds; undefined once it is gone. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name in parentheses: state is field 3, utime 14, stime 15 (proc(5)).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU time the whole machine has been busy, and in total, in core-seconds (first line of /proc/stat). */
function machineCpuSeconds(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const ticks = values.map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/** The pid of the process whose command line contains every one of `parts`, if any. */
export function findPid(parts: readonly string[]): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (parts.every((part) => command.includes(part))) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** CPU seconds per named process over a stretch, and what the rest of the machine used meanwhile. */
export type CpuShares = Record<string, number>;

/**
 * Measures how the CPU was shared over stretches of the benchmark: each named process's CPU seconds, and `others`,
 * whatever else ran on the machine (other people's tests share these cores and change every absolute figure).
 */
export class CpuMeter {
  constructor(private readonly pids: () => Record<string, number | undefined>) {}

  /** A reading to measure from. */
  mark(): { readonly at: Map<string, number>; readonly machine: { busy: number; total: number } } {
    const at = new Map<string, number>();
    for (const [name, pid] of Object.entries(this.pids()))
      if (pid !== undefined) at.set(`${name}:${pid}`, cpuSecondsOf(pid) ?? 0);
    return { at, machine: machineCpuSeconds() };
  }

  /** CPU seconds used since `mark` by each named process (a process restarted meanwhile counts from 0), and others. */
  since(mark: ReturnType<CpuMeter['mark']>): CpuShares {
    const shares: CpuShares = {};
    let ours = 0;
    for (const [name, pid] of Object.entries(this.pids())) {
      if (pid === undefined) continue;
      const used = (cpuSecondsOf(pid) ?? 0) - (mark.at.get(`${name}:${pid}`) ?? 0);
      shares[name] = round(used);
      ours += used;
    }
    const machine = machineCpuSeconds();
    shares.others = round(Math.max(0, machine.busy - mark.machine.busy - ours));
    shares.idle = round(Math.max(0, machine.total - machine.busy - (mark.machine.total - mark.machine.busy)));
    return shares;
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
