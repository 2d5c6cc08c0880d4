import type { ChildProcess } from 'node:child_process';

/** The last `keep` lines a child process printed (stdout and stderr), for failure messages. */
export function collectOutput(child: ChildProcess, keep = 30): string[] {
  const lines: string[] = [];
  const append = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - keep));
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return lines;
}
