import type { CheckContext } from '../../engine/context.js';
import type { Location } from '../../model/types.js';
import { isJs } from '../code-auth.js';

// Deployment: several processes each holding their own in-memory counters

export interface WorkerEvidence {
  detail: string;
  location: Location;
}

function lineAt(file: string, text: string, index: number): Location {
  return { file, line: text.slice(0, index).split('\n').length };
}

const COMMAND_WORKERS = /\b(gunicorn|uvicorn|hypercorn|pm2(?:-runtime)?)\b[^\n]*?\s(?:-w|--workers|-i|--instances)[=\s]+['"]?(max|\d+)/;

/** Evidence that the app runs as several processes or instances, so per-process memory is not shared. */
export function multiWorker(ctx: CheckContext): WorkerEvidence | undefined {
  const found: WorkerEvidence[] = [];
  const many = (value: string): boolean => value === 'max' || Number(value) > 1 || Number(value) === 0 || Number(value) === -1;
  for (const file of ctx.infra) {
    const command = COMMAND_WORKERS.exec(file.text.replace(/["',[\]]/g, ' '));
    if (command?.[2] && (command[2] === 'max' || Number(command[2]) > 1)) found.push({ detail: `\`${command[0].trim().slice(0, 80)}\` in ${file.file}`, location: lineAt(file.file, file.text, command.index) });
    const concurrency = /WEB_CONCURRENCY[=:\s]+['"]?(\d+)/.exec(file.text);
    if (concurrency?.[1] && Number(concurrency[1]) > 1) found.push({ detail: `\`WEB_CONCURRENCY=${concurrency[1]}\` in ${file.file}`, location: lineAt(file.file, file.text, concurrency.index) });
    if (file.kind === 'gunicorn') {
      const workers = /^\s*workers\s*=\s*(.+)$/m.exec(file.text);
      const value = workers?.[1]?.trim() ?? '';
      if (workers && (/cpu_count/.test(value) || Number(value) > 1)) found.push({ detail: `\`workers = ${value}\` in ${file.file}`, location: lineAt(file.file, file.text, workers.index) });
    }
    if (file.kind === 'kubernetes' || file.kind === 'compose') {
      const replicas = /^\s*(replicas|minReplicas|scale):\s*(\d+)/m.exec(file.text);
      if (replicas?.[2] && Number(replicas[2]) > 1) found.push({ detail: `\`${replicas[1] ?? 'replicas'}: ${replicas[2]}\` in ${file.file}`, location: lineAt(file.file, file.text, replicas.index) });
    }
  }
  for (const source of ctx.sources) {
    if (!isJs(source)) continue;
    if (/ecosystem\.config\.[cm]?js$/.test(source.file)) {
      const instances = /instances\s*:\s*['"]?(max|-?\d+)/.exec(source.text);
      if (instances?.[1] && many(instances[1])) found.push({ detail: `pm2 \`instances: ${instances[1]}\` in ${source.file}`, location: lineAt(source.file, source.text, instances.index) });
    }
    const fork = /\bcluster\.fork\(\)/.exec(source.text);
    if (fork) found.push({ detail: `\`cluster.fork()\` in ${source.file}`, location: lineAt(source.file, source.text, fork.index) });
  }
  found.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line);
  return found[0];
}
