import { keyFromText } from '../../../analysis/rate-limit/model.js';
import { type GoLimiterReader, goRateLimit } from '../go/rate-limit.js';

/**
 * Echo's `middleware.RateLimiter(store)` / `RateLimiterWithConfig(RateLimiterConfig{Store, IdentifierExtractor})`:
 * the memory store (`NewRateLimiterMemoryStore(rate)`, `…WithConfig(RateLimiterMemoryStoreConfig{Rate, Burst})`)
 * counts requests per second in process memory; the default identifier is the client's real IP.
 */
const ECHO_MIDDLEWARE = /^github\.com\/labstack\/echo(\/v\d+)?\/middleware$/;

export const echoLimiters: GoLimiterReader = {
  read(call, go) {
    if (!ECHO_MIDDLEWARE.test(call.path) || (call.name !== 'RateLimiter' && call.name !== 'RateLimiterWithConfig')) return undefined;
    const storeNode = call.name === 'RateLimiter' ? call.args[0] : go.fieldOf(call.args[0], call.file, 'Store');
    const extractor = call.name === 'RateLimiterWithConfig' ? go.fieldOf(call.args[0], call.file, 'IdentifierExtractor') : undefined;
    const store = go.callOf(storeNode, call.file);
    const memory = store !== undefined && ECHO_MIDDLEWARE.test(store.path) && /^NewRateLimiterMemoryStore(WithConfig)?$/.test(store.name);
    const rate = memory ? (store.name === 'NewRateLimiterMemoryStore' ? go.number(store.args[0], call.file) : go.number(go.fieldOf(store.args[0], call.file, 'Rate'), call.file)) : undefined;
    return {
      library: `echo middleware.${call.name}`,
      ...(rate !== undefined ? { count: rate, window: 1 } : {}),
      ...(extractor ? { key: keyFromText(extractor.text, 'custom'), keyDetail: `IdentifierExtractor \`${extractor.text.split('\n')[0]?.slice(0, 60) ?? ''}\`` } : { key: 'ip' as const, keyDetail: 'the client IP (`c.RealIP()`, the default identifier)' }),
      store: memory ? 'memory' : 'unknown',
      storeDetail: memory ? '`middleware.NewRateLimiterMemoryStore` (process memory)' : storeNode ? `store \`${storeNode.text.slice(0, 60)}\`` : 'an unread store',
      node: call.node,
      file: call.file,
    };
  },
};

export const echoRateLimit = goRateLimit('echo', [echoLimiters]);
