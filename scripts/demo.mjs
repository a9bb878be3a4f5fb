// `npm run demo`: audits the bundled example service and writes its report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const example = path.join(repo, 'examples/payments-service');
const cli = path.join(repo, 'dist/cli/main.js');

/** Newest modification time under `dir` (source files only). */
function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

// A dist/ older than the sources would show an old report: rebuild it first.
if (!existsSync(cli) || statSync(cli).mtimeMs < newest(path.join(repo, 'src'))) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: repo, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 2);
}

const run = spawnSync(process.execPath, [cli, 'audit', 'payments-service', '.'], { cwd: example, stdio: 'inherit' });
const report = path.join(example, '.metapowers/security/payments-service/02-protect.md');
if (run.status === 0 || run.status === 1) {
  console.log(`\nReport written to ${path.relative(process.cwd(), report)}`);
}
process.exit(run.status ?? 2);
