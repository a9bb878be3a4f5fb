import type { Node } from 'web-tree-sitter';
import { at, isPython, jwtCalls, maskValue, objectOf, secretValue, type JwtCall, type SecretValue } from '../../analysis/code-auth.js';
import { jwtSettingsProviders } from '../../collectors/code/plugins.js';
import type { JwtKeySetting, JwtSettingsProvider, SettingsJwtKey } from '../../collectors/code/plugin.js';
import { factsOf, nodesOfType, snippetOf } from '../../analysis/code.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { csharpConfigSecrets, csharpSecrets } from './csharp.js';
import { goConfigSecrets, goSecrets } from './go.js';
import { rubyConfigSecrets, rubySecrets } from './ruby.js';
import { javaSecrets } from './java.js';
import { phpSecrets } from './php.js';
import { parentOf } from '../../parsing/tree-index.js';

const MIN_HMAC_SECRET = 32;
const PUBLIC_MATERIAL = /^\s*-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----|^ssh-(rsa|ed25519) /;

/** The key: among the options for the libraries that take it there (the JWT providers' `keyOptions`), else the key argument (`key=` in Python). */
function keyOf(source: SourceFile, jwt: JwtCall): Node | undefined {
  if (jwt.keyOptions) {
    for (const name of jwt.keyOptions) {
      const node = jwt.raw(name);
      if (node) return node;
    }
    return undefined;
  }
  return jwt.key ?? (isPython(source) ? jwt.call.kwargs.get('key') : undefined);
}

/** The JWT settings providers of a source's language. */
function settingsProviders(source: SourceFile): readonly JwtSettingsProvider[] {
  return jwtSettingsProviders().filter((provider) => provider.languages.includes(source.language));
}

/** The hard-coded setting (`settings.SECRET_KEY` in a Django settings module) a JWT call's key reads, from the first provider that knows it. */
function settingSecret(ctx: CheckContext, source: SourceFile, jwt: JwtCall): SettingsJwtKey | undefined {
  for (const provider of settingsProviders(source)) {
    const found = provider.settingKey?.(ctx, source, keyOf(source, jwt));
    if (found) return found;
  }
  return undefined;
}

function isSymmetric(source: SourceFile, jwt: JwtCall, secret: SecretValue): boolean {
  if (/-----BEGIN/.test(secret.value)) return false;
  const algorithm = jwt.get('algorithm') ?? jwt.get('algorithms');
  const text = algorithm?.text ?? '';
  if (/\b(RS|ES|PS|Ed)\d*|EdDSA/.test(text)) return false;
  return jwt.library !== 'authlib' || /HS/.test(objectOf(source, jwt.call.args[0])?.text ?? 'HS');
}

export default defineCheck({
  id: 'jwt-hardcoded-secret',
  title: 'Hard-coded or short JWT secret',
  owasp: 'API2:2023',
  cwe: ['CWE-798', 'CWE-321', 'CWE-326'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'Anyone who can read the repository, a build artifact or a container image can sign tokens for any user with a secret written in the code; a short HS256 secret can be brute-forced offline from a single token.',
  remediation:
    'Load the key from a secret store or the environment without a fallback, and prefer asymmetric keys: PyJWT `jwt.encode(claims, os.environ["JWT_PRIVATE_KEY"], algorithm="RS256")`; jsonwebtoken `jwt.sign(payload, privateKey, { algorithm: \'RS256\', expiresIn: \'15m\' })` with `privateKey` read from a mounted secret; golang-jwt `token.SignedString([]byte(os.Getenv("JWT_SECRET")))` with the variable required at start-up; ruby-jwt `JWT.encode(payload, Rails.application.credentials.jwt_secret!, "HS256")` or `ENV.fetch("JWT_SECRET")` without a default, and Rails `secret_key_base` from credentials or `SECRET_KEY_BASE`, never written in config/environments/*.rb; Laravel `\'key\' => env(\'APP_KEY\')` and tymon/jwt-auth `\'secret\' => env(\'JWT_SECRET\')` without a default, `.env` kept out of git, firebase/php-jwt `new Key(config(\'services.jwt.secret\'), \'HS256\')` read from an environment-backed config entry, lcobucci `InMemory::file(\'/run/secrets/jwt.pem\')`. If HS256 must stay, use a random secret of at least 32 bytes (`openssl rand -base64 48`) and rotate the leaked one.',
  messages: {
    literal: '`{{call}}` uses a hard-coded secret as its key{{short}}.',
    constant: '`{{call}}` uses `{{name}}`, a secret hard-coded in this file{{short}}.',
    fallback: '`{{call}}` falls back to a hard-coded secret when `{{name}}` is not set{{short}}.',
    config: '`{{name}}` is set to a hard-coded secret{{short}}.',
    committed: '`{{name}}` is committed in {{file}} with a hard-coded value{{short}}: anyone who can read the repository can sign session cookies or tokens with it.',
    setting: '`{{call}}` uses `{{name}}`, a secret hard-coded in the settings module `{{file}}`{{short}}.',
    property: '`{{name}}` is committed in {{file}} with a hard-coded value, and `{{call}}` signs or verifies tokens with it{{short}}.',
  },
  run(ctx, report) {
    const settingsSeen = new Set<number>();
    for (const secret of rubySecrets(ctx.sources)) {
      const short = secret.how !== 'config' && secret.value.length < MIN_HMAC_SECRET ? ` (only ${secret.value.length} characters, below the ${MIN_HMAC_SECRET} an HMAC key needs)` : '';
      report({ messageId: secret.how, data: { call: secret.call, name: secret.name ?? '', short }, ...at(ctx, secret.source, secret.node, maskValue(snippetOf(secret.node).split('\n')[0] ?? '', secret.value)) });
    }
    const csharpSeen = new Set<number>();
    for (const secret of csharpSecrets(ctx.sources)) {
      if (csharpSeen.has(secret.literal.id)) continue;
      csharpSeen.add(secret.literal.id);
      const short = secret.value.length < MIN_HMAC_SECRET ? ` (only ${secret.value.length} characters, below the ${MIN_HMAC_SECRET} an HMAC key needs)` : '';
      const where = secret.constant ? secret.literal : secret.call;
      const source = secret.constant ? secret.literalSource : secret.source;
      const messageId = secret.fallback !== undefined ? 'fallback' : secret.constant ? 'constant' : 'literal';
      report({ messageId, data: { call: 'new SymmetricSecurityKey(…)', name: secret.fallback ?? secret.constant ?? '', short }, ...at(ctx, source, where, maskValue(snippetOf(where).split('\n')[0] ?? '', secret.value)) });
    }
    for (const secret of rubyConfigSecrets(ctx.infra)) {
      const short = secret.value.length < MIN_HMAC_SECRET ? ` (only ${secret.value.length} characters, below the ${MIN_HMAC_SECRET} an HMAC key needs)` : '';
      report({ messageId: 'committed', data: { name: secret.name, file: secret.file, short }, location: { file: secret.file, line: secret.line }, evidence: { snippet: maskValue(`${secret.name.split('.').at(-1) ?? ''}: ${secret.value}`, secret.value) } });
    }
    for (const secret of csharpConfigSecrets(ctx.sources, ctx.infra)) {
      const short = secret.value.length < MIN_HMAC_SECRET ? ` (only ${secret.value.length} characters, below the ${MIN_HMAC_SECRET} an HMAC key needs)` : '';
      const leaf = secret.key.split(':').at(-1) ?? secret.key;
      report({
        messageId: 'property',
        data: { call: 'new SymmetricSecurityKey(…)', name: secret.key, file: secret.file, short },
        location: { file: secret.file, line: secret.line },
        evidence: { snippet: maskValue(`"${leaf}": "${secret.value}"`, secret.value) },
      });
    }
    for (const secret of phpSecrets(ctx.sources, ctx.infra, ctx.project)) {
      const short = secret.how !== 'config' && secret.how !== 'committed' && secret.value.length < MIN_HMAC_SECRET ? ` (only ${secret.value.length} characters, below the ${MIN_HMAC_SECRET} an HMAC key needs)` : '';
      const data = { call: secret.call, name: secret.name, file: secret.file ?? '', short };
      if (secret.source && secret.node) report({ messageId: secret.how, data, ...at(ctx, secret.source, secret.node, maskValue(snippetOf(secret.node).split('\n')[0] ?? '', secret.value)) });
      else if (secret.file) report({ messageId: 'committed', data, location: { file: secret.file, line: secret.line ?? 1 }, evidence: { snippet: maskValue(`${secret.name}=${secret.value}`, secret.value) } });
    }
    const javaSeen = new Set<string>();
    for (const secret of javaSecrets(ctx.sources, ctx.infra)) {
      const { origin, source } = secret;
      const value = origin.kind === 'config' ? origin.config.value : origin.value;
      const short = value.length < MIN_HMAC_SECRET ? ` (only ${value.length} characters, below the ${MIN_HMAC_SECRET} an HMAC key needs)` : '';
      if (origin.kind === 'config') {
        const { key, where, fallback } = origin.config;
        const seenKey = `${where.file}:${where.line}:${key}`;
        if (javaSeen.has(seenKey)) continue;
        javaSeen.add(seenKey);
        const snippet = fallback ? `@Value("\${${key}:${value}}")` : `${key}: ${value}`;
        report({
          messageId: fallback ? 'fallback' : 'property',
          data: { call: secret.written, name: key, file: where.file, short },
          location: where,
          evidence: { snippet: maskValue(snippet, value) },
        });
        continue;
      }
      const seenKey = `${source.file}:${origin.node.startIndex}`;
      if (javaSeen.has(seenKey)) continue;
      javaSeen.add(seenKey);
      const where = origin.kind === 'constant' ? origin.node : secret.sink;
      report({
        messageId: origin.kind,
        data: { call: secret.written, name: origin.kind === 'constant' ? origin.name : '', short },
        ...jvmAt(ctx, source, where, maskValue(snippetOf(where), value)),
      });
    }
    for (const secret of goConfigSecrets(ctx.sources, ctx.infra)) {
      const short = secret.value.length < MIN_HMAC_SECRET ? ` (only ${secret.value.length} characters, below the ${MIN_HMAC_SECRET} an HMAC key needs)` : '';
      const leaf = secret.key.split('.').at(-1) ?? secret.key;
      report({
        messageId: 'property',
        data: { call: snippetOf(secret.read).split('\n')[0] ?? '', name: secret.key, file: secret.file, short },
        location: { file: secret.file, line: secret.line },
        evidence: { snippet: maskValue(`${leaf}: ${secret.value}`, secret.value) },
      });
    }
    for (const source of ctx.sources) {
      const seen = new Set<number>();
      if (source.language === 'go') {
        if (source.file.endsWith('_test.go')) continue;
        for (const secret of goSecrets(source)) {
          if (seen.has(secret.literal.id)) continue;
          seen.add(secret.literal.id);
          const short = secret.value.length < MIN_HMAC_SECRET ? ` (only ${secret.value.length} characters, below the ${MIN_HMAC_SECRET} an HMAC key needs)` : '';
          const where = secret.constant ? secret.literal : secret.call;
          report({
            messageId: secret.constant ? 'constant' : 'literal',
            data: { call: secret.name, name: secret.constant ?? '', short },
            ...at(ctx, source, where, maskValue(snippetOf(where), secret.value)),
          });
        }
        continue;
      }
      const shortNote = (secret: SecretValue, symmetric: boolean): string =>
        symmetric && secret.value.length < MIN_HMAC_SECRET ? ` (only ${secret.value.length} characters, below the ${MIN_HMAC_SECRET} an HMAC key needs)` : '';
      for (const jwt of jwtCalls(source)) {
        if (jwt.kind === 'decode-unverified') continue;
        const setting = settingSecret(ctx, source, jwt);
        if (setting && setting.secret.value !== '' && !settingsSeen.has(setting.secret.literal.id)) {
          // One finding at the settings line, whichever calls use it.
          settingsSeen.add(setting.secret.literal.id);
          const statement = statementOf(setting.secret.literal);
          report({
            messageId: 'setting',
            data: { call: jwt.name, name: setting.name, file: setting.source.file, short: shortNote(setting.secret, isSymmetric(source, jwt, setting.secret)) },
            ...at(ctx, setting.source, statement, maskValue(snippetOf(statement), setting.secret.value)),
          });
          continue;
        }
        const secret = secretValue(source, keyOf(source, jwt));
        if (!secret || secret.value === '' || PUBLIC_MATERIAL.test(secret.value) || seen.has(secret.literal.id)) continue;
        seen.add(secret.literal.id);
        const short = shortNote(secret, isSymmetric(source, jwt, secret));
        const inOptions = parentOf(secret.literal)?.type === 'pair' || parentOf(secret.literal)?.type === 'keyword_argument';
        const statement = secret.how === 'literal' && !inOptions ? jwt.call.node : statementOf(secret.literal);
        report({
          messageId: secret.how,
          data: { call: jwt.name, name: secret.name ?? '', short },
          ...at(ctx, source, statement, maskValue(snippetOf(statement), secret.value)),
        });
      }
      reportConfig(source, seen, (name, secret, node) => {
        report({
          messageId: 'config',
          data: { name, short: shortNote(secret, true) },
          ...at(ctx, source, node, maskValue(snippetOf(node), secret.value)),
        });
      });
    }
  },
});

function statementOf(node: Node): Node {
  let current: Node = node;
  for (
    let up = parentOf(current);
    up &&
    !['expression_statement', 'lexical_declaration', 'variable_declaration', 'assignment', 'pair', 'keyword_argument', 'public_field_definition', 'field_definition'].includes(current.type);
    up = parentOf(current)
  ) {
    current = up;
  }
  const holder = parentOf(current);
  return current.type === 'assignment' && holder?.type === 'expression_statement' ? holder : current;
}

/** The JWT keys the frameworks' configuration sets in a file (the `jwtSettings` providers': Flask-JWT-Extended `app.config["JWT_SECRET_KEY"] = "…"`, Django `SIMPLE_JWT = {"SIGNING_KEY": "…"}`). */
function reportConfig(source: SourceFile, seen: Set<number>, emit: (name: string, secret: SecretValue, node: Node) => void): void {
  const providers = settingsProviders(source);
  if (providers.length === 0) return;
  const found = (setting: JwtKeySetting): void => {
    const secret = secretValue(source, setting.value);
    if (secret && !seen.has(secret.literal.id)) {
      seen.add(secret.literal.id);
      emit(setting.name, secret, setting.node);
    }
  };
  // The settings name their key as written (`app.config["JWT_SECRET_KEY"]`, `SIMPLE_JWT`): other modules have none to read.
  const names = providers.some((provider) => provider.mentions.some((name) => source.text.includes(name)));
  for (const node of names ? nodesOfType(source, 'assignment') : []) {
    for (const provider of providers) {
      const setting = provider.assignment?.(source, node);
      if (setting) {
        found(setting);
        break;
      }
    }
  }
  for (const call of factsOf(source).calls) {
    for (const provider of providers) for (const setting of provider.call?.(source, call) ?? []) found(setting);
  }
}
