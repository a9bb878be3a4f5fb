import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { nodesOfType, stringValue } from '../../../analysis/code.js';
import type { HeaderWrite } from '../../../analysis/transport/model.js';
import type { TransportProvider } from '../plugin.js';

/**
 * Python transport libraries any Python framework uses: `secure` (secure.py) and the security-header
 * middlewares of the ASGI/WSGI ecosystem, and TLS served by the app server itself (uvicorn/gunicorn
 * `ssl_certfile=`, werkzeug/aiohttp `ssl_context=`). Module-level settings are read here for the
 * frameworks configured by a settings module (django/transport.ts).
 */

function moduleAssignments(source: SourceFile): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const statement of source.tree.rootNode.namedChildren) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type === 'identifier' && right) out.set(left.text, assignment);
  }
  return out;
}

const settingsCache = new WeakMap<SourceFile, Map<string, Node>>();

/** Module-level `NAME = value` assignments of a Python file (Django settings). */
export function settingsOf(source: SourceFile): Map<string, Node> {
  let cached = settingsCache.get(source);
  if (!cached) {
    cached = source.language === 'python' ? moduleAssignments(source) : new Map<string, Node>();
    settingsCache.set(source, cached);
  }
  return cached;
}

export function settingValue(source: SourceFile, name: string): Node | undefined {
  return settingsOf(source).get(name)?.childForFieldName('right') ?? undefined;
}

/** `response[name] = value`, `response.headers[name] = value`: every subscript assignment with a string key. */
function pythonHeaderWrites(source: SourceFile): HeaderWrite[] {
  const out: HeaderWrite[] = [];
  for (const assignment of nodesOfType(source, 'assignment')) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'subscript' || !right) continue;
    const name = stringValue(left.childForFieldName('subscript'));
    if (name !== undefined) out.push({ node: assignment, name, value: right });
  }
  return out;
}

export const pythonTransportLibraries: TransportProvider = {
  family: 'python',
  cors: {
    headerWrites: pythonHeaderWrites,
    requestOrigin: /\brequest\b[\w.]*(\.headers\.get\(\s*['"]origin['"]|\.headers\[\s*['"]origin['"])/i,
  },
  https: { code: /ssl_certfile\s*=|ssl_context\s*=|\bsecure\.Secure\s*\(|StrictTransportSecurity\s*\(/ },
  headers: { middlewareCode: /\bsecure\.Secure\s*\(|SecureHeadersMiddleware|SecurityHeadersMiddleware|\bSecure\s*\(\s*\)/ },
};
