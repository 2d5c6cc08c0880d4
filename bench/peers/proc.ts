import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU and memory of a process and its descendants, read from /proc, so that every side (Node, Python)
 * is measured the same way from outside and a gateway's worker processes count too.
 */

/** Clock ticks per second of /proc's CPU fields (100 on nearly every Linux). */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  ppid: number;
  /** utime + stime, plus the children it has waited for (cutime + cstime), in ticks. */
  ticks: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after its last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const tick = (index: number) => Number(fields[index]);
    return { ppid: tick(1), ticks: tick(11) + tick(12) + tick(13) + tick(14) };
  } catch {
    return null; // gone between the listing and the read
  }
}

/** The pid and every descendant still running. */
export function treeOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index]!) ?? []));
  return tree;
}

/** CPU time used so far by the whole tree, in ms. */
export function treeCpuMs(root: number): number {
  const ticks = treeOf(root).reduce((sum, pid) => sum + (readStat(pid)?.ticks ?? 0), 0);
  return (ticks * 1000) / ticksPerSecond;
}

function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of the process alone, or of its whole tree, in bytes. */
export const rssOf = (root: number, wholeTree: boolean): number =>
  (wholeTree ? treeOf(root) : [root]).reduce((sum, pid) => sum + rssBytes(pid), 0);
