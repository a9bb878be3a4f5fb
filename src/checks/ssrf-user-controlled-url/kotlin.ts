/**
 * Outbound requests to URLs taken from request data in Kotlin (Spring handlers and Ktor routes): `URL(x)`
 * (`openConnection()`, `openStream()`, `readText()`), `URI.create(x)`, OkHttp `Request.Builder().url(x)`, and
 * the frameworks' clients (the plugins' `jvmHttp`: Spring's `RestTemplate.getForObject|exchange|…(x, …)`,
 * `WebClient.create(x)` / `.uri(x)` / `.baseUrl(x)`, the Ktor client's `client.get(x)`, `client.request(x)`). A URL whose scheme and host are fixed (a
 * literal `https://host/…` before the request value) or a relative path only lets the caller pick a path
 * or query, and a function that checks the parsed host (`.host` in a condition against an allow-list) is
 * not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants } from '../../collectors/code/jvm/ast.js';
import { asCall } from '../../collectors/code/jvm/calls.js';
import { kotlinBare, kotlinFunctions, kotlinTaint, kotlinTypeOf } from '../../collectors/code/jvm/kotlin.js';
import { sharedAnalysis } from '../../collectors/code/jvm/taint.js';
import { jvmClients, mentionPattern } from './jvm-clients.js';

export interface KotlinSsrfHit {
  source: SourceFile;
  node: Node;
  call: string;
  origin: string;
}

const CALLS: ReadonlySet<string> = new Set(['call_expression']);

/** A string whose text before the first interpolation fixes the host (`"https://api.acme.io/…$x"`) or is a relative path. */
function fixedHost(node: Node | undefined): boolean {
  const bare = kotlinBare(node);
  if (bare?.type !== 'string_literal') return false;
  const head = bare.text.replace(/^"+/, '').split(/\$/)[0] ?? '';
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+[/?#]/i.test(head) || head.startsWith('/');
}

export function kotlinSsrf(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): KotlinSsrfHit[] {
  const { mentions, clients, factories, builders } = jvmClients('kotlin');
  const HINT = mentionPattern(['URL', String.raw`URI\.create`, String.raw`Request\.Builder`], mentions);
  if (!sources.some((source) => source.language === 'kotlin' && HINT.test(source.text))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const taint = kotlinTaint(program);
  const out: KotlinSsrfHit[] = [];
  for (const fn of kotlinFunctions(program)) {
    if (!fn.body || !HINT.test(fn.body.text)) continue;
    // An allow-list of hosts checked in the function.
    if (/\.host\b[\s\S]{0,80}\b(in|contains|==|equals|endsWith)\b|\b(in|contains)\b[\s\S]{0,40}\.host\b/.test(fn.body.text)) continue;
    for (const node of descendants(fn.body, CALLS)) {
      const call = asCall(node);
      const url = call?.args[0];
      if (!call || !url) continue;
      const receiver = kotlinBare(call.receiver);
      const type = receiver?.type === 'simple_identifier' ? kotlinTypeOf(receiver.text, node, fn.owner) : undefined;
      let written: string | undefined;
      const builder = builders.find((candidate) => candidate.methods.get(call.name)?.test(call.receiver?.text ?? ''));
      if (!call.receiver && call.name === 'URL') written = 'URL';
      else if (receiver && ((call.name === 'create' && receiver.text === 'URI') || factories.get(receiver.text)?.includes(call.name))) written = `${receiver.text}.${call.name}`;
      else if (type !== undefined && clients.get(call.name)?.includes(type)) written = `${receiver?.text ?? ''}.${call.name}`;
      else if (builder) written = `${builder.name}.${call.name}`;
      else if (call.name === 'url' && /Request\.Builder\(\)/.test(call.receiver?.text ?? '')) written = 'Request.Builder().url';
      if (!written || fixedHost(url)) continue;
      const origin = taint.origin(url);
      if (origin) out.push({ source: fn.file.source, node, call: written, origin });
    }
  }
  return out;
}
