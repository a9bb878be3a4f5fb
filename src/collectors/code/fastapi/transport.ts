import { resolveValue } from '../../../analysis/code-auth.js';
import { factsOf, qualify, stringValue } from '../../../analysis/code.js';
import { type OriginPolicy, isTrue, listEntries } from '../../../analysis/transport/model.js';
import type { TransportProvider } from '../plugin.js';

/**
 * FastAPI apps (`FastAPI()`) and Starlette's middlewares they mount: `CORSMiddleware` (through
 * `app.add_middleware(…)` or `Middleware(…)`; exact `allow_origins` and an `allow_origin_regex` matched
 * in full) and `HTTPSRedirectMiddleware`.
 */
export const fastapiTransport: TransportProvider = {
  family: 'python',
  // Starlette's request body readers (`await request.json()`, `request.form()`, `request.stream()`).
  webhook: { bodyRead: [String.raw`\brequest\.(json|form|stream)\b`] },
  app: {
    name: 'FastAPI',
    fix: {
      https: '`app.add_middleware(HTTPSRedirectMiddleware)` and an HSTS header',
      headers: 'a middleware that sets them (e.g. `secure.Secure()`), or the proxy in front',
    },
    createdBy: (call) => call.callee === 'fastapi.FastAPI',
  },
  cors: {
    call(source, call) {
      const middleware = /(^|\.)add_middleware$/.test(call.callee) || /(^|\.)Middleware$/.test(call.callee) ? qualify(call.args[0], factsOf(source).imports) : undefined;
      if (!middleware || !/(^|\.)CORSMiddleware$/.test(middleware)) return undefined;
      const regex = call.kwargs.get('allow_origin_regex');
      const listed = listEntries(source, call.kwargs.get('allow_origins'), undefined) ?? [];
      const pattern = stringValue(resolveValue(source, regex));
      const entries = [...listed, ...(regex && pattern !== undefined ? [{ node: regex, value: pattern, regex: { flags: '', semantics: 'fullmatch' as const } }] : [])];
      const origins: OriginPolicy = listed.some((entry) => entry.value === '*')
        ? { kind: 'wildcard' }
        : call.kwargs.has('allow_origins') && listed.length === 0 && !regex
          ? { kind: 'unknown' }
          : { kind: 'list', entries };
      return { source, node: call.node, line: call.node.startPosition.row + 1, label: 'CORSMiddleware', origins, credentials: isTrue(source, call.kwargs.get('allow_credentials')), global: true };
    },
  },
  https: { code: /HTTPSRedirectMiddleware/ },
};
