/**
 * Hard-coded signing keys in PHP: firebase/php-jwt `JWT::encode($payload, 'secret', 'HS256')` and
 * `JWT::decode($jwt, new Key('secret', 'HS256'))`, lcobucci/jwt `InMemory::plainText('secret')` /
 * `InMemory::base64Encoded(…)`, each given a literal, a class constant, a local, an
 * `env('JWT_SECRET', 'fallback')` default or a `config('x.y')` entry holding one; tymon/jwt-auth's
 * `config/jwt.php` `'secret'` and the frameworks' configuration keys (their `phpSigningKeys` sections:
 * Laravel's `config/app.php` `'key'`) written as a literal or with a literal `env()` default; and the
 * frameworks' key variables set in a committed `.env` (Laravel's `APP_KEY` / `JWT_SECRET`; not where a
 * framework's committed `.env` holds development defaults by design, as Symfony's does).
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, ProjectInfo, SourceFile } from '../../engine/context.js';
import { arrayEntries, callArguments, field, kids, literalString, returnedConfig, unwrap, walk } from '../../collectors/code/php/ast.js';
import { enclosingFunction } from '../../collectors/code/php/requests.js';
import { assignedBefore, phpCalls, scopeName } from '../../collectors/code/php/sinks.js';
import { phpSigningKeyProviders } from '../../collectors/code/plugins.js';

export interface PhpSecret {
  how: 'literal' | 'constant' | 'fallback' | 'config' | 'committed';
  value: string;
  /** Where to report (a call, a constant, a config entry); absent for a committed `.env` line. */
  source?: SourceFile;
  node?: Node;
  file?: string;
  line?: number;
  call: string;
  name: string;
}

const PEM = /-----BEGIN|^file:\/\/|\.pem$|\.key$/;
const LOCAL_FILES = /(^|\/)(tests?|vendor|database\/(factories|seeders))\//i;

interface Found {
  how: 'literal' | 'constant' | 'fallback' | 'config';
  value: string;
  source: SourceFile;
  node: Node;
  name: string;
}

/** `config/jwt.php`'s entry for `jwt.secret` (nested keys followed). */
function configEntry(sources: readonly SourceFile[], dotted: string): { source: SourceFile; node: Node; value: Node } | undefined {
  const [file, ...path] = dotted.split('.');
  if (!file || path.length === 0) return undefined;
  const source = sources.find((candidate) => candidate.language === 'php' && new RegExp(`(^|/)config/${file.replace(/[^\w-]/g, '')}\\.php$`).test(candidate.file));
  if (!source) return undefined;
  let entry = returnedConfig(source.tree.rootNode).get(path[0] ?? '');
  for (const key of path.slice(1)) {
    const next = (arrayEntries(entry?.value) ?? []).find((item) => literalString(item.key) === key);
    entry = next?.key ? { key: next.key, value: next.value } : undefined;
  }
  return entry ? { source, node: entry.key.parent ?? entry.value, value: entry.value } : undefined;
}

/** `const SECRET = '…';` of the class holding `use`, or of the class named. */
function classConstant(source: SourceFile, scope: string, name: string): Node | undefined {
  let found: Node | undefined;
  walk(source.tree.rootNode, (node) => {
    if (found) return false;
    if (node.type === 'class_declaration' && scope !== 'self' && scope !== 'static' && field(node, 'name')?.text !== scope) return false;
    if (node.type === 'const_element' && kids(node)[0]?.text === name) found = kids(node)[1];
    return true;
  });
  return found;
}

/** What a key expression holds, when it is hard-coded. */
function evaluate(sources: readonly SourceFile[], source: SourceFile, node: Node | undefined, use: Node, depth = 0): Found | undefined {
  if (!node || depth > 3) return undefined;
  const target = unwrap(node);
  const literal = literalString(target);
  if (literal !== undefined) return literal.trim() === '' || PEM.test(literal) ? undefined : { how: 'literal', value: literal, source, node: target, name: '' };
  if (target.type === 'function_call_expression') {
    const name = field(target, 'function')?.text.replace(/^\\/, '') ?? '';
    const args = callArguments(target);
    if (name === 'env' || name === 'getenv') {
      const fallback = literalString(args[1]?.value);
      if (fallback === undefined || fallback.trim() === '' || PEM.test(fallback) || !args[1]) return undefined;
      return { how: 'fallback', value: fallback, source, node: args[1].value, name: literalString(args[0]?.value) ?? 'env' };
    }
    if (name === 'config' && args.length === 1) {
      const key = literalString(args[0]?.value);
      const entry = key ? configEntry(sources, key) : undefined;
      if (!entry || !key) return undefined;
      const inner = evaluate(sources, entry.source, entry.value, entry.value, depth + 1);
      if (!inner) return undefined;
      return inner.how === 'fallback' ? inner : { how: 'config', value: inner.value, source: entry.source, node: entry.node, name: key };
    }
    if (name === 'base64_decode' || name === 'hex2bin') return evaluate(sources, source, args[0]?.value, use, depth + 1);
    return undefined;
  }
  if (target.type === 'class_constant_access_expression') {
    const [scope, constant] = kids(target);
    if (!scope || !constant) return undefined;
    const value = classConstant(source, scope.text.replace(/^.*\\/, ''), constant.text);
    const inner = value ? evaluate(sources, source, value, value, depth + 1) : undefined;
    return inner?.how === 'literal' ? { ...inner, how: 'constant', node: value?.parent ?? inner.node, name: target.text } : inner;
  }
  if (target.type === 'variable_name' && enclosingFunction(use)) {
    const value = assignedBefore(target, use);
    return value ? evaluate(sources, source, value, use, depth + 1) : undefined;
  }
  return undefined;
}

function dotenvSecrets(infra: readonly InfraFile[], keys: readonly string[]): PhpSecret[] {
  const out: PhpSecret[] = [];
  const assignment = new RegExp(String.raw`^\s*(?:export\s+)?(${keys.join('|')})\s*=\s*(.*)$`);
  for (const file of infra) {
    if (file.kind !== 'dotenv') continue;
    file.text.split(/\r?\n/).forEach((line, index) => {
      const match = assignment.exec(line);
      if (!match) return;
      const value = (match[2] ?? '').replace(/\s+#.*$/, '').trim().replace(/^(['"])(.*)\1$/, '$2');
      if (value === '' || /^\$\{/.test(value)) return;
      out.push({ how: 'committed', value, file: file.file, line: index + 1, call: '', name: match[1] ?? '' });
    });
  }
  return out;
}

export function phpSecrets(sources: readonly SourceFile[], infra: readonly InfraFile[], project: ProjectInfo): PhpSecret[] {
  const php = sources.filter((source) => source.language === 'php');
  if (php.length === 0) return [];
  const frameworks = phpSigningKeyProviders().filter((provider) => provider.uses(php, project));
  const configKeys = frameworks.flatMap((provider) => provider.configKeys ?? []);
  const dotenvKeys = frameworks.flatMap((provider) => provider.dotenvKeys ?? []);
  const out: PhpSecret[] = [];
  const seen = new Set<string>();
  const push = (found: Found | undefined, call: string): void => {
    if (!found) return;
    const key = `${found.source.file}:${found.node.startIndex}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ how: found.how, value: found.value, source: found.source, node: found.how === 'literal' || found.how === 'fallback' ? found.node : found.node, call, name: found.name });
  };
  for (const source of php) {
    if (LOCAL_FILES.test(source.file)) continue;
    const jwtAuth = /(^|\/)config\/jwt\.php$/.test(source.file);
    const configKey = jwtAuth ? { key: 'secret', name: 'jwt.secret' } : configKeys.find((candidate) => candidate.file.test(source.file));
    if (configKey) {
      const entry = returnedConfig(source.tree.rootNode).get(configKey.key);
      const found = entry ? evaluate(php, source, entry.value, entry.value) : undefined;
      const name = configKey.name;
      if (found && entry) push(found.how === 'literal' ? { ...found, how: 'config', node: entry.key.parent ?? entry.value, name } : found, name);
      continue;
    }
    if (!/JWT::|InMemory::/.test(source.text)) continue;
    for (const call of phpCalls(source.tree.rootNode)) {
      const scope = scopeName(call);
      const args = call.args.filter((arg) => arg.name === undefined).map((arg) => arg.value);
      const named = (name: string): Node | undefined => call.args.find((arg) => arg.name === name)?.value;
      if (call.kind === 'static' && scope === 'JWT' && call.name === 'encode') {
        const algorithm = literalString(args[2] ?? named('alg')) ?? 'HS256';
        if (/^HS/i.test(algorithm)) push(evaluate(php, source, args[1] ?? named('key'), call.node), 'JWT::encode');
      } else if (call.kind === 'static' && scope === 'JWT' && call.name === 'decode') {
        const key = args[1] ?? named('keyOrKeyArray');
        if (key && unwrap(key).type !== 'object_creation_expression') push(evaluate(php, source, key, call.node), 'JWT::decode');
      } else if (call.kind === 'new' && call.name === 'Key' && /Firebase\\JWT/.test(source.text)) {
        const algorithm = literalString(args[1] ?? named('algorithm')) ?? '';
        if (/^HS/i.test(algorithm)) push(evaluate(php, source, args[0] ?? named('keyMaterial'), call.node), 'new Key');
      } else if (call.kind === 'static' && scope === 'InMemory' && /^(plainText|base64Encoded)$/.test(call.name)) {
        push(evaluate(php, source, args[0] ?? named('contents'), call.node), `InMemory::${call.name}`);
      }
    }
  }
  if (dotenvKeys.length > 0 && !frameworks.some((provider) => provider.committedDefaults === true)) out.push(...dotenvSecrets(infra, dotenvKeys));
  return out;
}
