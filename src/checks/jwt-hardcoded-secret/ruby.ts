/**
 * Hard-coded signing keys in Ruby: ruby-jwt `JWT.encode(payload, "secret")` / `JWT.decode(token, "secret", true, …)`
 * with a literal, a constant assigned a literal (`HMAC_SECRET = "…"`), or an `ENV.fetch("X", "literal")` /
 * `ENV["X"] || "literal"` fallback; and the frameworks' signing-key settings (their `rubySigningKeys` sections:
 * Rails' `config.secret_key_base = "…"`, which signs the session cookie and every message verifier) outside
 * development and test configuration.
 */
import type { SourceFile } from '../../engine/context.js';
import type { Node } from '../../parsing/parser.js';
import { callArgs, field, kids, literal, walk } from '../../collectors/code/ruby/ast.js';
import { rubySigningKeyProviders } from '../../collectors/code/plugins.js';
import type { ConfigSecret } from '../../collectors/code/plugin.js';

export interface RubySecret {
  source: SourceFile;
  /** Where to report: the call, or the constant's assignment. */
  node: Node;
  literal: Node;
  value: string;
  call: string;
  how: 'literal' | 'constant' | 'fallback' | 'config';
  name?: string;
}

/** Test code; the frameworks' development and test configuration is their `rubySigningKeys.localConfig`. */
const TEST_CODE = /(^|\/)(spec|test)\//;

interface Settings {
  localConfig: readonly RegExp[];
  assigned: readonly RegExp[];
  mentions: readonly RegExp[];
}

let settings: Settings | undefined;

/** The frameworks' signing-key settings (their `rubySigningKeys` sections: Rails' `config.secret_key_base = …`), once. */
function frameworkSettings(): Settings {
  if (settings) return settings;
  const providers = rubySigningKeyProviders();
  settings = {
    localConfig: providers.flatMap((provider) => (provider.localConfig ? [provider.localConfig] : [])),
    assigned: providers.flatMap((provider) => (provider.settings ? [provider.settings.assigned] : [])),
    mentions: providers.flatMap((provider) => (provider.settings ? [provider.settings.mention] : [])),
  };
  return settings;
}

/** Top-level and class-level `NAME = "literal"` constants of the Ruby files, by name. */
function constants(sources: readonly SourceFile[]): Map<string, { source: SourceFile; node: Node; value: Node }> {
  const out = new Map<string, { source: SourceFile; node: Node; value: Node }>();
  for (const source of sources) {
    if (!/^\s*[A-Z][A-Z0-9_]*\s*=/m.test(source.text)) continue;
    walk(source.tree.rootNode, (node) => {
      if (node.type === 'method' || node.type === 'singleton_method') return false;
      if (node.type === 'assignment' && field(node, 'left')?.type === 'constant') {
        const value = field(node, 'right');
        if (value) out.set(field(node, 'left')?.text ?? '', { source, node, value });
      }
      return true;
    });
  }
  return out;
}

/** `ENV.fetch("JWT_SECRET", "dev-secret")`, `ENV["JWT_SECRET"] || "dev-secret"`: the variable and the literal. */
function fallbackOf(node: Node): { name: string; literal: Node } | undefined {
  if (node.type === 'call' && field(node, 'receiver')?.text === 'ENV' && field(node, 'method')?.text === 'fetch') {
    const [name, fallback] = callArgs(node).positional;
    if (fallback && literal(fallback) !== undefined) return { name: literal(name) ?? name?.text ?? 'ENV', literal: fallback };
  }
  if (node.type === 'binary' && /^(\|\||or)$/.test(field(node, 'operator')?.text ?? '')) {
    const left = field(node, 'left');
    const right = field(node, 'right');
    if (left && right && /^ENV\b/.test(left.text) && literal(right) !== undefined && right.type === 'string') {
      const name = left.type === 'element_reference' ? literal(kids(left)[1]) : undefined;
      return { name: name ?? left.text, literal: right };
    }
  }
  return undefined;
}

export function rubySecrets(sources: readonly SourceFile[]): RubySecret[] {
  const { localConfig, assigned, mentions } = frameworkSettings();
  const ruby = sources.filter((source) => source.language === 'ruby' && !TEST_CODE.test(source.file) && !localConfig.some((pattern) => pattern.test(source.file)));
  if (!ruby.some((source) => /\bJWT\.(encode|decode)\b/.test(source.text) || mentions.some((pattern) => pattern.test(source.text)))) return [];
  const consts = constants(ruby);
  const out: RubySecret[] = [];
  const judge = (source: SourceFile, call: Node, key: Node | undefined, written: string): void => {
    if (!key) return;
    const direct = key.type === 'string' ? literal(key) : undefined;
    if (direct !== undefined) {
      out.push({ source, node: call, literal: key, value: direct, call: written, how: 'literal' });
      return;
    }
    const fallback = fallbackOf(key);
    if (fallback) {
      out.push({ source, node: call, literal: fallback.literal, value: literal(fallback.literal) ?? '', call: written, how: 'fallback', name: fallback.name });
      return;
    }
    if (key.type === 'constant' || key.type === 'scope_resolution') {
      const name = key.type === 'constant' ? key.text : (field(key, 'name')?.text ?? '');
      const constant = consts.get(name);
      if (!constant) return;
      const value = constant.value.type === 'string' ? literal(constant.value) : undefined;
      if (value !== undefined) out.push({ source: constant.source, node: constant.node, literal: constant.value, value, call: written, how: 'constant', name });
      const inner = value === undefined ? fallbackOf(constant.value) : undefined;
      if (inner) out.push({ source: constant.source, node: constant.node, literal: inner.literal, value: literal(inner.literal) ?? '', call: written, how: 'fallback', name: inner.name });
    }
  };
  for (const source of ruby) {
    walk(source.tree.rootNode, (node) => {
      if (node.type === 'call' && field(node, 'receiver')?.text === 'JWT') {
        const method = field(node, 'method')?.text;
        if (method === 'encode' || method === 'decode') {
          // The raw argument list: `callArgs` folds a `{ sub: … }` payload into options.
          const args = kids(field(node, 'arguments') ?? node).filter((arg) => arg.type !== 'pair' && arg.type !== 'block_argument');
          // `JWT.decode(token, nil, false)` verifies nothing: that is jwt-signature-not-verified's finding.
          if (method === 'decode' && args[2]?.type === 'false') return true;
          judge(source, node, args[1], `JWT.${method}(…)`);
        }
      }
      if (node.type === 'assignment' && assigned.some((pattern) => pattern.test(field(node, 'left')?.text ?? ''))) {
        const right = field(node, 'right');
        const value = right?.type === 'string' ? literal(right) : undefined;
        if (right && value !== undefined && value !== '') out.push({ source, node, literal: right, value, call: field(node, 'left')?.text ?? '', how: 'config', name: field(node, 'left')?.text ?? '' });
        const fallback = right ? fallbackOf(right) : undefined;
        if (fallback) out.push({ source, node, literal: fallback.literal, value: literal(fallback.literal) ?? '', call: field(node, 'left')?.text ?? '', how: 'fallback', name: fallback.name });
      }
      return true;
    });
  }
  return out.filter((secret) => secret.value !== '');
}

/** Secrets written as literals in the frameworks' committed configuration files (their `rubySigningKeys.committedSecrets`: Rails' `config/secrets.yml`, `config/credentials*.yml`). */
export function rubyConfigSecrets(infra: readonly { file: string; kind: string; text: string }[]): ConfigSecret[] {
  return rubySigningKeyProviders().flatMap((provider) => provider.committedSecrets?.(infra) ?? []);
}
