import type { Parameter, ParamSource } from '../../../model/types.js';
import { pathParams } from './paths.js';
import { lookupTable } from '../../../analysis/lookup.js';

const ACCESS: readonly [RegExp, ParamSource][] = [
  [/\b(?:req|request|ctx|ctx\.request)\.(params|query|body|headers|cookies)\.([A-Za-z_$][\w$]*)/g, 'path'],
  [/\b(?:req|request|ctx|ctx\.request)\.(params|query|body|headers|cookies)\[\s*['"`]([^'"`]+)['"`]\s*\]/g, 'path'],
  [/\bc\.req\.(param|query|header)\(\s*['"`]([^'"`]+)['"`]\s*\)/g, 'path'],
  [/\bsearchParams\.(get)\(\s*['"`]([^'"`]+)['"`]\s*\)/g, 'query'],
];

const DESTRUCTURE = /\{\s*([^{}]+?)\s*\}\s*=\s*(?:await\s+)?(?:req|request|ctx|ctx\.request)\.(params|query|body|headers)\b/g;

const SOURCE: Record<string, ParamSource> = lookupTable({
  params: 'path',
  param: 'path',
  query: 'query',
  get: 'query',
  body: 'body',
  headers: 'header',
  header: 'header',
  cookies: 'cookie',
});

/** Path parameters from the route, and the request fields the handler reads. */
export function extractParameters(path: string, handlerText: string | undefined): Parameter[] {
  const out = new Map<string, Parameter>();
  const add = (name: string, source: ParamSource, required?: boolean): void => {
    const key = `${source}:${name}`;
    if (!out.has(key)) out.set(key, required === undefined ? { name, in: source } : { name, in: source, required });
  };
  for (const name of pathParams(path)) add(name, 'path', true);
  if (handlerText) {
    for (const [pattern] of ACCESS) {
      for (const match of handlerText.matchAll(pattern)) {
        const source = SOURCE[match[1] ?? ''];
        const name = match[2];
        if (source && name && !(source === 'path' && !pathParams(path).includes(name))) add(name, source);
      }
    }
    for (const match of handlerText.matchAll(DESTRUCTURE)) {
      const source = SOURCE[match[2] ?? ''];
      if (!source) continue;
      for (const part of (match[1] ?? '').split(',')) {
        const name = /^\s*([A-Za-z_$][\w$]*)/.exec(part)?.[1];
        if (name && !(source === 'path' && !pathParams(path).includes(name))) add(name, source);
      }
    }
    if (/\b(?:req|request|ctx\.request)\.body\b|\bc\.req\.json\(|\brequest\.json\(|\breq\.json\(/.test(handlerText) && ![...out.values()].some((p) => p.in === 'body'))
      add('body', 'body');
  }
  return [...out.values()];
}
