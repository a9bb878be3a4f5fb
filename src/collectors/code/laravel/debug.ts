/**
 * Laravel's debug mode outside development: `APP_DEBUG=true` in a committed `.env` whose `APP_ENV` is not a
 * development one, and `'debug' => true` hard-coded in `config/app.php`. Read by debug-mode-enabled through
 * the plugin's `debug` section.
 */
import type { Node } from 'web-tree-sitter';
import type { CheckContext, InfraFile, SourceFile } from '../../../engine/context.js';
import type { DebugModeProvider, FrameworkFinding } from '../plugin.js';
import { returnedConfig, unwrap } from '../php/ast.js';

/** Environments where debug output is expected. */
const DEVELOPMENT = /^(?:local|dev|development|testing|test)$/i;

interface DotenvDebug {
  file: InfraFile;
  line: number;
  text: string;
  env: string;
}

function dotenvValue(raw: string): string {
  return raw.replace(/\s+#.*$/, '').trim().replace(/^(['"])(.*)\1$/, '$2');
}

/** `APP_DEBUG=true` in a committed `.env` whose `APP_ENV` is not a development one. */
function dotenvDebug(files: readonly InfraFile[]): DotenvDebug[] {
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
function configDebug(source: SourceFile): Node | undefined {
  if (source.language !== 'php' || !/(^|\/)config\/app\.php$/.test(source.file)) return undefined;
  const entry = returnedConfig(source.tree.rootNode).get('debug');
  if (!entry) return undefined;
  const value = unwrap(entry.value);
  const literalTrue = (value.type === 'boolean' || value.type === 'name') && value.text.toLowerCase() === 'true';
  return literalTrue ? (entry.value.parent ?? entry.value) : undefined;
}

export const laravelDebug: DebugModeProvider = {
  messages: {
    laravelEnv: '`{{line}}` is committed in {{file}}, whose APP_ENV is `{{env}}`: Laravel answers errors with stack traces, queries and environment values.',
    laravelConfig: '`{{expression}}` is hard-coded in config/app.php: debug mode no longer follows APP_DEBUG.',
  },
  settings(ctx: CheckContext): FrameworkFinding[] {
    const out: FrameworkFinding[] = dotenvDebug(ctx.infra).map((hit) => ({ messageId: 'laravelEnv', data: { line: hit.text, file: hit.file.file, env: hit.env }, location: { file: hit.file.file, line: hit.line }, snippet: hit.text }));
    for (const source of ctx.sources) {
      const hardCoded = configDebug(source);
      if (hardCoded) out.push({ messageId: 'laravelConfig', data: { expression: hardCoded.text }, source, node: hardCoded });
    }
    return out;
  },
};
