import { keyFromText, storeFromText } from '../../../analysis/rate-limit/model.js';
import { type GoLimiterReader, goRateLimit } from '../go/rate-limit.js';

/**
 * Fiber's `limiter.New(limiter.Config{Max, Expiration, KeyGenerator, Storage})`: 5 requests per minute per
 * client IP (`c.IP()`) by default, counted in process memory unless a `Storage` (Redis …) is given.
 */
const FIBER_LIMITER = /^github\.com\/gofiber\/fiber(\/v\d+)?\/middleware\/limiter$/;

export const fiberLimiters: GoLimiterReader = {
  read(call, go) {
    if (!FIBER_LIMITER.test(call.path) || call.name !== 'New') return undefined;
    const config = call.args[0];
    const max = config ? go.number(go.fieldOf(config, call.file, 'Max'), call.file) : undefined;
    const expiration = config ? go.seconds(go.fieldOf(config, call.file, 'Expiration'), call.file) : undefined;
    const generator = config ? go.fieldOf(config, call.file, 'KeyGenerator') : undefined;
    const storage = config ? go.fieldOf(config, call.file, 'Storage') : undefined;
    const maxSet = config ? go.fieldOf(config, call.file, 'Max') !== undefined : false;
    const expirationSet = config ? go.fieldOf(config, call.file, 'Expiration') !== undefined : false;
    const count = max ?? (maxSet ? undefined : 5);
    const window = expiration ?? (expirationSet ? undefined : 60);
    return {
      library: 'fiber limiter',
      ...(count !== undefined ? { count } : {}),
      ...(window !== undefined ? { window } : {}),
      ...(generator ? { key: keyFromText(generator.text, 'custom'), keyDetail: `KeyGenerator \`${generator.text.split('\n')[0]?.slice(0, 60) ?? ''}\`` } : { key: 'ip' as const, keyDetail: 'the client IP (`c.IP()`, the default key)' }),
      store: storage ? storeFromText(storage.text) : 'memory',
      storeDetail: storage ? `Storage \`${storage.text.slice(0, 60)}\`` : 'the default in-memory storage',
      node: call.node,
      file: call.file,
    };
  },
};

export const fiberRateLimit = goRateLimit('fiber', [fiberLimiters]);
