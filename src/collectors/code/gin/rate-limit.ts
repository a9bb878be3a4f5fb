import { keyFromText } from '../../../analysis/rate-limit/model.js';
import { type GoLimiterReader, goRateLimit } from '../go/rate-limit.js';

/**
 * gin-rate-limit (`ratelimit.RateLimiter(store, &ratelimit.Options{KeyFunc})` with `InMemoryStore` or
 * `RedisStore`); ulule/limiter's gin adapter and tollbooth_gin are read through the generic Go readers.
 */
const GIN_RATE_LIMIT = /^github\.com\/JGLTechnologies\/gin-rate-limit$/;

export const ginLimiters: GoLimiterReader = {
  read(call, go) {
    if (!GIN_RATE_LIMIT.test(call.path) || call.name !== 'RateLimiter') return undefined;
    const store = go.callOf(call.args[0], call.file);
    const memory = store?.name === 'InMemoryStore';
    const options = store?.args[0];
    const limit = options ? go.number(go.fieldOf(options, call.file, 'Limit'), call.file) : undefined;
    const window = options ? go.seconds(go.fieldOf(options, call.file, 'Rate'), call.file) : undefined;
    const keyFunc = go.fieldOf(call.args[1], call.file, 'KeyFunc');
    return {
      library: 'gin-rate-limit',
      ...(limit !== undefined ? { count: limit } : {}),
      ...(window !== undefined ? { window } : {}),
      key: keyFunc ? keyFromText(keyFunc.text, 'custom') : 'custom',
      keyDetail: keyFunc ? `KeyFunc \`${keyFunc.text.split('\n')[0]?.slice(0, 60) ?? ''}\`` : 'an unread key function',
      store: memory ? 'memory' : store?.name === 'RedisStore' ? 'shared' : 'unknown',
      storeDetail: store ? `\`ratelimit.${store.name}\`` : 'an unread store',
      node: call.node,
      file: call.file,
    };
  },
};

export const ginRateLimit = goRateLimit('gin', [ginLimiters]);
