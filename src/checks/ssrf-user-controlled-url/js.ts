/**
 * JS/TS: a request whose connection is made through an agent or dispatcher the project built with its own
 * DNS `lookup` hook (`fetch(url, { dispatcher })` with `dispatcher = new Agent({ connect: { lookup: safeLookup } })`,
 * `axios.get(url, { httpsAgent: new https.Agent({ lookup }) })`, `http.get(url, { agent })`): the project
 * chooses the address every connection goes to, which is the SSRF defence that survives DNS rebinding
 * and redirects (what request-filtering-agent and ssrf-req-filter do).
 */
import type { Node } from 'web-tree-sitter';
import { isJs, resolveValue } from '../../analysis/code-auth.js';
import type { CallSite } from '../../analysis/code.js';
import { jsDeclarationsNamed } from '../../analysis/code.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';

/** The request options that carry the connection: undici/fetch `dispatcher`, Node's `agent`, axios' `httpAgent` / `httpsAgent`. */
const CONNECTION_OPTIONS = new Set(['dispatcher', 'agent', 'httpAgent', 'httpsAgent']);

function propertyName(pair: Node): string | undefined {
  if (pair.type === 'shorthand_property_identifier') return pair.text;
  if (pair.type !== 'pair') return undefined;
  return pair.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '');
}

/** `new X({ …, lookup: fn })` or `new X({ connect: { lookup } })`: an agent built with a DNS hook. */
function agentWithLookup(value: Node | undefined): boolean {
  if (value?.type !== 'new_expression') return false;
  const options = value.childForFieldName('arguments')?.namedChildren.find((argument) => argument?.type === 'object');
  if (!options) return false;
  const visit = (object: Node, depth: number): boolean =>
    object.namedChildren.some((member) => {
      if (!member) return false;
      const name = propertyName(member);
      if (name === 'lookup') return true;
      const inner = member.type === 'pair' ? member.childForFieldName('value') : undefined;
      return depth < 2 && inner?.type === 'object' && visit(inner, depth + 1);
    });
  return visit(options, 0);
}

/** The agent a connection option names: built in place, in this file, or (imported) the one project declaration of that name. */
function pinned(ctx: CheckContext, source: SourceFile, value: Node, depth = 0): boolean {
  let name = value.text;
  if (value.type !== 'shorthand_property_identifier') {
    const local = resolveValue(source, value);
    if (agentWithLookup(local)) return true;
    if (local?.type !== 'identifier') return false;
    name = local.text;
  }
  const found = jsDeclarationsNamed(ctx, 'variable_declarator', name).flatMap(({ source: file, node }) => {
    const declared = node.childForFieldName('value');
    return declared ? [{ source: file, value: declared }] : [];
  });
  const here = found.filter((entry) => entry.source === source);
  const chosen = here.length > 0 ? here : found;
  const [only] = chosen;
  if (chosen.length !== 1 || !only) return false;
  if (agentWithLookup(only.value)) return true;
  // `const dispatcher = publicDispatcher`: one more name to follow.
  return depth < 3 && only.value.type === 'identifier' && pinned(ctx, only.source, only.value, depth + 1);
}

/** True when an options argument of the call connects through a project agent with its own DNS lookup. */
export function connectsThroughPinnedAgent(ctx: CheckContext, source: SourceFile, call: CallSite): boolean {
  if (!isJs(source)) return false;
  for (const argument of call.args) {
    const options = resolveValue(source, argument);
    if (options?.type !== 'object') continue;
    for (const member of options.namedChildren) {
      if (!member) continue;
      const name = propertyName(member);
      if (!name || !CONNECTION_OPTIONS.has(name)) continue;
      const value = member.type === 'pair' ? member.childForFieldName('value') : member;
      if (value && pinned(ctx, source, value)) return true;
    }
  }
  return false;
}
