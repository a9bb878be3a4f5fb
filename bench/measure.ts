// Runs a child process and measures it: wall time, peak resident memory (VmHWM, polled), timeout.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measured {
  wallMs: number;
  peakRssMb: number;
  timedOut: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

function peakRss(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs `command argv` in `cwd`, killed after `timeoutS` seconds. */
export function measure(command: string, argv: string[], timeoutS: number, cwd: string): Promise<Measured> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(command, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    let peak = 0;
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const poll = setInterval(() => {
      if (child.pid !== undefined) peak = Math.max(peak, peakRss(child.pid));
    }, 50);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (exitCode) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ wallMs: performance.now() - started, peakRssMb: peak, timedOut, exitCode, stdout: Buffer.concat(out).toString(), stderr });
    });
  });
}
