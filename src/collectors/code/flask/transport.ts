import { resolveValue } from '../../../analysis/code-auth.js';
import { literalValue, propertyOf } from '../../../analysis/code.js';
import { type OriginPolicy, isTrue, listEntries } from '../../../analysis/transport/model.js';
import type { TransportProvider } from '../plugin.js';

/**
 * Flask apps (`Flask(__name__)`), flask-cors (`CORS(app, …)` app-wide, `@cross_origin(…)` per route;
 * origins from `origins=` or `resources={…: {"origins": …}}`, strings with regex characters are
 * regexes), Flask-Talisman (HTTPS redirect, HSTS and headers) and Flask-SSLify.
 */
export const flaskTransport: TransportProvider = {
  family: 'python',
  // Webhook receivers: `request.get_data()` keeps the raw body for an HMAC; the request's body readers.
  webhook: { signedInput: [String.raw`get_data\s*\(`], bodyRead: [String.raw`\brequest\.(json|get_json|form|get_data|stream)\b`, String.raw`request\.get_data\s*\(`] },
  app: {
    name: 'Flask',
    fix: {
      https: '`Talisman(app)`',
      headers: '`Talisman(app)`',
    },
    createdBy: (call) => call.callee === 'flask.Flask',
  },
  cors: {
    call(source, call) {
      if (call.callee !== 'flask_cors.CORS' && call.callee !== 'flask_cors.cross_origin') return undefined;
      const label = call.callee === 'flask_cors.CORS' ? 'CORS' : 'cross_origin';
      let originsNode = call.kwargs.get('origins') ?? (label === 'cross_origin' ? call.args[0] : undefined);
      const resources = resolveValue(source, call.kwargs.get('resources'));
      if (!originsNode && resources?.type === 'dictionary') {
        for (const pair of resources.namedChildren) {
          const value = pair?.type === 'pair' ? resolveValue(source, pair.childForFieldName('value') ?? undefined) : undefined;
          const nested = propertyOf(value, 'origins');
          if (nested) originsNode = nested;
        }
      }
      let origins: OriginPolicy = { kind: 'wildcard' };
      if (originsNode) {
        const entries = listEntries(source, originsNode, 'regex-characters');
        origins = !entries ? { kind: 'unknown' } : entries.some((entry) => entry.value === '*') ? { kind: 'wildcard' } : { kind: 'list', entries };
      }
      return { source, node: call.node, line: call.node.startPosition.row + 1, label, origins, credentials: isTrue(source, call.kwargs.get('supports_credentials')), global: label === 'CORS' };
    },
  },
  https: { code: /\bTalisman\s*\(|\bSSLify\s*\(/ },
  hsts: {
    // Flask-Talisman sends HSTS (one year) unless `strict_transport_security=False` or its max age is 0.
    call: (_source, call) =>
      /(^|\.)Talisman$/.test(call.callee) && literalValue(call.kwargs.get('strict_transport_security')) !== false && !/^0+$/.test(call.kwargs.get('strict_transport_security_max_age')?.text ?? '')
        ? { node: call.node, detail: '`Talisman` sends `Strict-Transport-Security`' }
        : undefined,
  },
  headers: {
    middlewareCode: /\bTalisman\s*\(/,
    alternatives: { 'Strict-Transport-Security': /\bTalisman\s*\(/ },
  },
};
