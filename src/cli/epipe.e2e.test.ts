import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Runs the CLI with a reader that goes away at once, as `apisec … --json | head -c0` does. */
function closedReader(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stderr });
    });
  });
}

describe('a closed stdout (EPIPE)', () => {
  it('ends the CLI quietly: no stack trace, no error message', async () => {
    const { code, stderr } = await closedReader(['checks', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
