import type { Node } from 'web-tree-sitter';
import { returnedConfig, unwrap } from '../../collectors/code/php/ast.js';
import type { InfraFile, SourceFile } from '../../engine/context.js';

/** Environments where debug output is expected. */
const DEVELOPMENT = /^(?:local|dev|development|testing|test)$/i;

export interface DotenvDebug {
  file: InfraFile;
  line: number;
  text: string;
  env: string;
}

function dotenvValue(raw: string): string {
  return raw.replace(/\s+#.*$/, '').trim().replace(/^(['"])(.*)\1$/, '$2');
}

/** `APP_DEBUG=true` in a committed `.env` whose `APP_ENV` is not a development one. */
export function dotenvDebug(files: readonly InfraFile[]): DotenvDebug[] {
  const out: DotenvDebug[] = [];
  for (const file of files) {
    if (file.kind !== 'dotenv') continue;
    const lines = file.text.split(/\r?\n/);
    let env = 'production';
    let debug: { line: number; text: string } | undefined;
    lines.forEach((line, index) => {
      const match = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=\s*(.*)$/.exec(line);
      if (!match) return;
      const value = dotenvValue(match[2] ?? '');
      if (match[1] === 'APP_ENV') env = value;
      if (match[1] === 'APP_DEBUG' && /^(?:true|1|on|yes|\(true\))$/i.test(value)) debug = { line: index + 1, text: line.trim() };
    });
    if (debug && !DEVELOPMENT.test(env)) out.push({ file, line: debug.line, text: debug.text, env });
  }
  return out;
}

/** `'debug' => true` hard-coded in Laravel's `config/app.php` (instead of `env('APP_DEBUG', false)`). */
export function configDebug(source: SourceFile): Node | undefined {
  if (source.language !== 'php' || !/(^|\/)config\/app\.php$/.test(source.file)) return undefined;
  const entry = returnedConfig(source.tree.rootNode).get('debug');
  if (!entry) return undefined;
  const value = unwrap(entry.value);
  const literalTrue = (value.type === 'boolean' || value.type === 'name') && value.text.toLowerCase() === 'true';
  return literalTrue ? (entry.value.parent ?? entry.value) : undefined;
}
