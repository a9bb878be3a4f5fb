/**
 * Ambient credentials: what a browser attaches to a cross-origin request on its own, so that a page on another
 * origin can act as the signed-in user — a cookie (a session, or an auth token the server sets as a cookie), and
 * HTTP Basic / Negotiate credentials the browser keeps after answering the server's `WWW-Authenticate` challenge.
 * A bearer token in an `Authorization` header or a query value is not one: the page would have to know it.
 *
 * CORS with credentials is a hazard only where such a credential exists (checks cors-wildcard-with-credentials,
 * seed 003 §5: "reflect Origin header as Allow-Origin … effectively * with credentials"). This module looks for
 * the evidence in the application the CORS policy belongs to: endpoints decided `session` or `basic`, and the
 * framework calls that set, read or manage such credentials. Its absence is read as "no ambient credential".
 */
import type { CheckContext, SourceFile } from '../engine/context.js';
import { JvmModules } from '../collectors/code/jvm/modules.js';
import { isJsFamily } from '../parsing/languages.js';

export interface AmbientEvidence {
  file: string;
  line: number;
  what: string;
}

/** Framework calls that set, read or manage a cookie credential or a browser-handled HTTP challenge, per language. */
const MARKERS: Record<string, RegExp> = {
  js: /\bres\.cookie\s*\(|\breply\.setCookie\s*\(|\bctx\.cookies\.set\s*\(|\bcookies\(\)\.set\s*\(|['"`]Set-Cookie['"`]|['"`](?:express-session|cookie-session|@fastify\/(?:secure-)?session|@fastify\/cookie|koa-session|cookie-parser|next-auth|iron-session|express-basic-auth|@nestjs\/passport-local)['"`]|\bpassport\.session\s*\(|\b(?:req|request|ctx)\.cookies\b|\.signedCookies\b|['"`]WWW-Authenticate['"`]\s*,\s*['"`](?:Basic|Negotiate)/,
  python: /^\s*from flask import[^\n]*\bsession\b|\bset_cookie\s*\(|\bSessionMiddleware\b|\bSessionAuthentication\b|\bflask_login\b|\blogin_user\s*\(|\bsession\s*\[|request\.COOKIES|request\.cookies|\bHTTPBasic\b|\bHTTPBasicAuth\b|\bBasicAuthentication\b|\bAPIKeyCookie\b|\bflask_session\b|WWW-Authenticate/m,
  go: /\bhttp\.SetCookie\s*\(|\.SetCookie\s*\(|\.Cookie\s*\(\s*"|gorilla\/sessions|alexedwards\/scs|gin-contrib\/sessions|\bgin\.BasicAuth(?:ForRealm)?\s*\(|\bmiddleware\.BasicAuth(?:WithConfig)?\s*\(|\bbasicauth\.New\s*\(|WWW-Authenticate/,
  jvm: /\bformLogin\b|\bhttpBasic\b|\baddCookie\s*\(|\bResponseCookie\b|@CookieValue\b|\bHttpSession\b|\brememberMe\b|\boauth2Login\b|\bsaml2Login\b|\.getCookies\s*\(|WWW-Authenticate|\bsetCookie\s*\(|SessionCreationPolicy\.(?:ALWAYS|IF_REQUIRED)/,
  csharp: /\bAddCookie\s*\(|\bCookieAuthenticationDefaults\b|\.Cookies\.Append\s*\(|\bRequest\.Cookies\b|\bAddIdentity(?:Core)?\s*<|\bAddDefaultIdentity\b|\bAddMicrosoftIdentityWebApp\b|\bSignInAsync\s*\(|\bAddNegotiate\b|\bNegotiateDefaults\b|\bUseWindowsAuthentication\b|\bAddSession\s*\(|\bUseSession\s*\(|WWW-Authenticate/,
  php: /\bStartSession\b|\bEnsureFrontendRequestsAreStateful\b|\bstatefulApi\s*\(|\bsetcookie\s*\(|\bCookie::queue\b|->(?:cookie|withCookie)\s*\(|['"]auth\.basic['"]|\bAuth::(?:attempt|login)\s*\(|\$_SESSION\b|\$_COOKIE\b|\bsession_start\s*\(/,
};

function familyOf(source: SourceFile): string | undefined {
  const language = source.language;
  if (language === 'python') return 'python';
  if (isJsFamily(language)) return 'js';
  if (language === 'go') return 'go';
  if (language === 'java' || language === 'kotlin') return 'jvm';
  if (language === 'csharp') return 'csharp';
  if (language === 'php') return 'php';
  return undefined;
}

const TEST_FILE = /(^|\/)(tests?|__tests__|spec|e2e|src\/test)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)(test_[^/]*|[^/]*_tests?|conftest)\.py$|_test\.go$|Tests?\.cs$/;

function folderOf(file: string): string {
  const index = file.lastIndexOf('/');
  return index < 0 ? '' : file.slice(0, index + 1);
}

/**
 * The folders whose code runs in the same application as `file`: for a JVM module of a multi-module build, the
 * modules on its class path and on the class path of every module that depends on it (a library module's
 * configuration runs in each application that includes it); otherwise the whole workspace.
 */
function scopeOf(ctx: CheckContext, file: string): ((candidate: string) => boolean) {
  if (file.endsWith('.cs')) {
    // An ASP.NET Core application is the folder of its entry point (Program.cs / Startup.cs) and below.
    const entries = new Set(ctx.sources.filter((source) => /(^|\/)(Program|Startup)\.cs$/.test(source.file)).map((source) => folderOf(source.file)));
    for (let folder = folderOf(file); ; folder = folderOf(folder.slice(0, -1))) {
      if (entries.has(folder)) return (candidate) => candidate.startsWith(folder);
      if (folder === '') return () => true;
    }
  }
  if (!/\.(java|kt)$/.test(file)) return () => true;
  const modules = new JvmModules(ctx.infra);
  if (!modules.known) return () => true;
  const builds = ctx.infra.filter((infra) => infra.kind === 'jvm-build' && !/(^|\/)src\//.test(infra.file)).map((infra) => folderOf(infra.file));
  const moduleOf = (path: string): string => builds.filter((folder) => path.startsWith(folder)).sort((a, b) => b.length - a.length)[0] ?? '';
  const own = moduleOf(file);
  const folders = new Set<string>(modules.classPath(own));
  for (const other of builds) if (modules.classPath(other).has(own)) for (const folder of modules.classPath(other)) folders.add(folder);
  return (candidate) => folders.has(moduleOf(candidate));
}

const cache = new WeakMap<CheckContext, Map<string, AmbientEvidence | null>>();

/** The first evidence of an ambient credential in the application `file` (a CORS policy's) belongs to, if any. */
export function ambientCredential(ctx: CheckContext, file: string): AmbientEvidence | undefined {
  let byFile = cache.get(ctx);
  if (!byFile) cache.set(ctx, (byFile = new Map<string, AmbientEvidence | null>()));
  const cached = byFile.get(file);
  if (cached !== undefined) return cached ?? undefined;
  const inScope = scopeOf(ctx, file);
  let found: AmbientEvidence | undefined;
  for (const endpoint of ctx.inventory.endpoints) {
    if (!endpoint.auth.mechanisms.some((mechanism) => mechanism === 'session' || mechanism === 'basic')) continue;
    const code = endpoint.sources.find((source) => source.kind === 'code' && inScope(source.location.file));
    if (code?.kind !== 'code') continue;
    found = { file: code.location.file, line: code.location.line, what: `${endpoint.method} ${endpoint.path} authenticates with ${endpoint.auth.mechanisms.join(', ')}` };
    break;
  }
  for (const source of found ? [] : ctx.sources) {
    const family = familyOf(source);
    const marker = family ? MARKERS[family] : undefined;
    if (!marker || TEST_FILE.test(source.file) || !inScope(source.file)) continue;
    const match = marker.exec(source.text);
    if (!match) continue;
    found = { file: source.file, line: source.text.slice(0, match.index).split('\n').length, what: match[0].trim() };
    break;
  }
  byFile.set(file, found ?? null);
  return found;
}
