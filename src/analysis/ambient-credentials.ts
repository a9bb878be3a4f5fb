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
import { ambientCredentialProviders } from '../collectors/code/plugins.js';
import type { AmbientCredentialProvider } from '../collectors/code/plugin.js';

export interface AmbientEvidence {
  file: string;
  line: number;
  what: string;
}

/**
 * Calls and modules that set, read or manage a cookie credential or a browser-handled HTTP challenge whatever the
 * framework, per language; the frameworks' own in their `ambientCredentials` sections, joined before these.
 */
const GENERIC: Record<AmbientCredentialProvider['family'], readonly string[]> = {
  js: [
    String.raw`['"\`]Set-Cookie['"\`]`,
    String.raw`['"\`]iron-session['"\`]`,
    String.raw`\bpassport\.session\s*\(`,
    String.raw`\b(?:req|request|ctx)\.cookies\b`,
    String.raw`['"\`]WWW-Authenticate['"\`]\s*,\s*['"\`](?:Basic|Negotiate)`,
  ],
  python: [String.raw`\bset_cookie\s*\(`, String.raw`\bsession\s*\[`, String.raw`request\.cookies`, 'WWW-Authenticate'],
  php: [String.raw`\bsetcookie\s*\(`, String.raw`\$_SESSION\b`, String.raw`\$_COOKIE\b`, String.raw`\bsession_start\s*\(`],
  // net/http's cookies and the session libraries any router mounts (gorilla/sessions, scs).
  go: [String.raw`\bhttp\.SetCookie\s*\(`, String.raw`\.SetCookie\s*\(`, String.raw`\.Cookie\s*\(\s*"`, String.raw`gorilla\/sessions`, String.raw`alexedwards\/scs`, 'WWW-Authenticate'],
  csharp: ['WWW-Authenticate'],
};

/** Framework calls that set, read or manage a cookie credential or a browser-handled HTTP challenge, per language. */
const MARKERS: Record<string, RegExp> = {
  jvm: /\bformLogin\b|\bhttpBasic\b|\baddCookie\s*\(|\bResponseCookie\b|@CookieValue\b|\bHttpSession\b|\brememberMe\b|\boauth2Login\b|\bsaml2Login\b|\.getCookies\s*\(|WWW-Authenticate|\bsetCookie\s*\(|SessionCreationPolicy\.(?:ALWAYS|IF_REQUIRED)/,
};

let markerList: Record<string, RegExp> | undefined;

/** Each language's markers: the frameworks' (registry order), then the generic ones. */
function markers(): Record<string, RegExp> {
  if (!markerList) {
    markerList = { ...MARKERS };
    const providers = ambientCredentialProviders();
    for (const family of Object.keys(GENERIC) as AmbientCredentialProvider['family'][]) {
      const sources = [...providers.flatMap((provider) => (provider.family === family ? provider.markers : [])), ...GENERIC[family]];
      markerList[family] = new RegExp(sources.join('|'), 'm');
    }
  }
  return markerList;
}

/** The frameworks' application entry files of a family (the first provider's that has one). */
function appEntry(family: AmbientCredentialProvider['family']): RegExp | undefined {
  return ambientCredentialProviders().find((provider) => provider.family === family && provider.appEntry)?.appEntry;
}

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
  const entry = file.endsWith('.cs') ? appEntry('csharp') : undefined;
  if (entry) {
    // An application is the folder of a file that starts one (the frameworks' `appEntry`: ASP.NET Core's Program.cs / Startup.cs) and below.
    const entries = new Set(ctx.sources.filter((source) => entry.test(source.file)).map((source) => folderOf(source.file)));
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
    const marker = family ? markers()[family] : undefined;
    if (!marker || TEST_FILE.test(source.file) || !inScope(source.file)) continue;
    const match = marker.exec(source.text);
    if (!match) continue;
    found = { file: source.file, line: source.text.slice(0, match.index).split('\n').length, what: match[0].trim() };
    break;
  }
  byFile.set(file, found ?? null);
  return found;
}
