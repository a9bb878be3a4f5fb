import type { PhpCallSite } from '../php/sinks.js';
import { chainRoot } from '../php/sinks.js';
import type { PhpFileSink, PhpFilesProvider } from '../plugin.js';

/** The `Storage` facade's methods (on a disk or not) and the positions of their path arguments. */
const STORAGE_METHODS: Record<string, number[]> = {
  get: [0],
  put: [0],
  download: [0],
  delete: [0],
  readStream: [0],
  writeStream: [0],
  path: [0],
  copy: [0, 1],
  move: [0, 1],
  prepend: [0],
  append: [0],
  putFileAs: [0, 2],
  deleteDirectory: [0],
  files: [0],
  allFiles: [0],
};

/**
 * Laravel's file responses and storage: `response()->download($path)` / `->file($path)`, `Response::download($path)`,
 * the `Storage` facade (`Storage::disk('s3')->get($path)`: a path on the disk, which refuses `..` above its root) and an
 * uploaded file's `->storeAs($dir, $name)`.
 */
function sink(call: PhpCallSite): PhpFileSink | undefined {
  if (call.kind !== 'method' && call.kind !== 'static') return undefined;
  const chain = chainRoot(call);
  if (call.kind === 'method' && (call.name === 'download' || call.name === 'file') && /^response\(\s*\)$/.test(call.receiver?.text ?? '')) return { indexes: [0], written: `response()->${call.name}`, disk: false };
  if (call.kind === 'static' && chain?.root === 'Response' && (call.name === 'download' || call.name === 'file')) return { indexes: [0], written: `Response::${call.name}`, disk: false };
  if (chain?.root === 'Storage' && chain.links.at(-1) === call.name) {
    const indexes = STORAGE_METHODS[call.name];
    if (indexes) return { indexes, written: `Storage::${chain.links.join('()->')}`, disk: true };
  }
  if (call.kind === 'method' && call.name === 'storeAs') return { indexes: [1], written: '->storeAs', disk: true };
  return undefined;
}

export const laravelFiles: PhpFilesProvider = {
  sink,
  // `storage_path('exports/') . $name`: a path under one of the application's directories.
  basePaths: ['storage_path', 'base_path', 'public_path', 'resource_path', 'app_path', 'database_path', 'config_path'],
  // `Str::slug($name)`, `$file->hashName()`, `$file->store('dir')`: names Laravel generates or cleans.
  safeNames: { statics: ['Str::slug', 'Str::uuid', 'Str::random', 'Str::ulid', 'Str::snake', 'Str::kebab'], methods: ['hashName', 'store', 'storePublicly', 'extension'] },
  // `if (!Str::startsWith($path, 'exports/'))`, `Str::isUuid($id)`.
  guards: ['startsWith', 'contains', 'is', 'isUuid', 'isUlid'],
};
