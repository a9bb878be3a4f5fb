import type { Node } from 'web-tree-sitter';
import { at, isJs, resolveValue } from '../../analysis/code-auth.js';
import { factsOf, nodesOfType, stringValue } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';

const STORAGE = /(^|\.)(localStorage|sessionStorage)$/;
const TOKEN_KEY = /token|jwt|bearer|credential|api[_-]?key|apikey|secret|^auth$|^auth[_\-.:]|[_\-.:]auth$|authorization|session[_-]?id|^session$|^(access|refresh|id)$/i;

/** Writing an empty string, `null` or `undefined` under the token's key clears it (a logout), it stores nothing. */
function clears(value: Parameters<typeof stringValue>[0] | undefined): boolean {
  while (value && (value.type === 'as_expression' || value.type === 'satisfies_expression' || value.type === 'parenthesized_expression' || value.type === 'non_null_expression')) {
    value = value.namedChildren[0] ?? undefined;
  }
  if (!value) return false;
  if (value.type === 'null' || value.type === 'undefined' || (value.type === 'identifier' && value.text === 'undefined')) return true;
  return stringValue(value) === '';
}

function storageName(object: string): string {
  return /sessionStorage$/.test(object) ? 'sessionStorage' : 'localStorage';
}

export default defineCheck({
  id: 'token-in-web-storage',
  title: 'Token stored in web storage',
  owasp: 'API2:2023',
  cwe: ['CWE-922'],
  severity: 'medium',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'Any script on the page can read `localStorage` and `sessionStorage`, so one XSS flaw or compromised dependency exfiltrates every stored access or refresh token.',
  remediation:
    'Keep tokens out of script reach: have the API set them as cookies (`res.cookie(\'session\', token, { httpOnly: true, secure: true, sameSite: \'strict\' })`, or a backend-for-frontend that holds the tokens), or keep a short-lived access token in memory only.',
  messages: {
    stored: '`{{code}}` stores a token in `{{storage}}`, where any script on the page can read it.',
    storedMany:
      '`{{code}}` stores a token in `{{storage}}`, where any script on the page can read it; {{more}} more write{{plural}} keep tokens in web storage ({{places}}).',
  },
  run(ctx, report) {
    // Keeping credentials in web storage is one design decision of the client, however many places write
    // them (the session token, a refresh token, a token carried over from a link): one finding, at the first.
    const writes: { source: SourceFile; node: Node; code: string; storage: string }[] = [];
    for (const source of ctx.sources) {
      if (!isJs(source)) continue;
      const emit = (code: string, storage: string, node: Node): void => {
        writes.push({ source, node, code, storage });
      };
      for (const call of factsOf(source).calls) {
        const match = /^(.*)\.setItem$/.exec(call.written);
        if (!match?.[1] || !STORAGE.test(match[1])) continue;
        const key = stringValue(resolveValue(source, call.args[0]));
        const stored = key !== undefined ? TOKEN_KEY.test(key) : /token|jwt/i.test(call.args[1]?.text ?? '');
        if (stored && !clears(call.args[1])) emit(call.node.text, storageName(match[1]), call.node);
      }
      for (const node of nodesOfType(source, 'assignment_expression')) {
        const left = node.childForFieldName('left');
        if (!left || (left.type !== 'member_expression' && left.type !== 'subscript_expression')) continue;
        const object = left.childForFieldName('object')?.text ?? '';
        if (!STORAGE.test(object)) continue;
        const key = left.type === 'member_expression' ? left.childForFieldName('property')?.text : stringValue(resolveValue(source, left.childForFieldName('index') ?? undefined));
        if (key !== undefined && TOKEN_KEY.test(key) && !clears(node.childForFieldName('right') ?? undefined)) emit(node.text, storageName(object), node);
      }
    }
    writes.sort((a, b) => (a.source.file < b.source.file ? -1 : a.source.file > b.source.file ? 1 : a.node.startIndex - b.node.startIndex));
    const [first, ...others] = writes;
    if (!first) return;
    const shorten = (code: string): string => {
      const short = code.replace(/\s+/g, ' ');
      return short.length > 80 ? `${short.slice(0, 79)}…` : short;
    };
    const places = others.slice(0, 3).map((write) => `${write.source.file}:${write.node.startPosition.row + 1}`);
    if (others.length > 3) places.push('…');
    report({
      messageId: others.length > 0 ? 'storedMany' : 'stored',
      data: { code: shorten(first.code), storage: first.storage, more: others.length, plural: others.length === 1 ? '' : 's', places: places.join(', ') },
      ...at(ctx, first.source, first.node),
      ...(others.length > 0 ? { occurrences: writes.length } : {}),
    });
  },
});
