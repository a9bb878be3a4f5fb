import { parse as parseYaml } from 'yaml';
import type { CheckContext, InfraFile } from '../../engine/context.js';
import type { Location } from '../../model/types.js';
import { type LimitKey, type Limiter, humanWindow, keyFromText } from './model.js';

/**
 * Gateways and proxies in front of the app (nginx `limit_req`, Kong `rate-limiting`, Envoy, AWS API Gateway
 * throttling, WAF rate-based rules): not frameworks, so no plugin; the driver applies these rules to every endpoint.
 */

export interface GatewayRule {
  limiter: Limiter;
  covers(path: string): boolean;
  specific: boolean;
}

function infraLocation(file: InfraFile, index: number, length = 0): Location {
  const before = file.text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return { file: file.file, line, column, endLine: line, endColumn: column + length };
}

function gatewayLimiter(file: InfraFile, index: number, text: string, fields: Pick<Limiter, 'library' | 'key' | 'keyDetail'> & { limit?: string; perMinute?: number }): Limiter {
  const location = infraLocation(file, index, text.length);
  return { ...fields, location, snippet: text.trim().slice(0, 160), store: 'shared', storeDetail: 'the gateway', storeLocation: location };
}

function nginxRules(file: InfraFile): GatewayRule[] {
  const zones = new Map<string, { rate: string; key: string }>();
  for (const match of file.text.matchAll(/limit_req_zone\s+(\S+)\s+[^;]*?zone=([\w-]+):\S+[^;]*?rate=(\d+r\/[sm])/g)) {
    if (match[2]) zones.set(match[2], { rate: match[3] ?? '', key: match[1] ?? '' });
  }
  const rules: GatewayRule[] = [];
  const stack: (string | undefined)[] = [];
  const tokens = /(location\s+(=|~\*?|\^~)?\s*([^\s{]+)\s*\{)|(\{)|(\})|(limit_req\s+zone=([\w-]+)[^;]*;)|#[^\n]*/g;
  for (const match of file.text.matchAll(tokens)) {
    if (match[1]) stack.push(`${match[2] ?? ''} ${match[3] ?? ''}`);
    else if (match[4]) stack.push(undefined);
    else if (match[5]) stack.pop();
    else if (match[6] && match[7]) {
      const zone = zones.get(match[7]);
      const where = [...stack].reverse().find((entry) => entry !== undefined);
      const [modifier = '', prefix = '/'] = (where ?? ' /').split(' ');
      const rate = zone?.rate ?? '';
      const perMin = /r\/s$/.test(rate) ? Number.parseInt(rate, 10) * 60 : Number.parseInt(rate, 10);
      const limiter = gatewayLimiter(file, match.index, match[6], {
        library: 'nginx limit_req',
        ...(rate ? { limit: rate.replace('r/s', ' per second').replace('r/m', ' per minute'), perMinute: perMin } : {}),
        key: zone ? keyFromText(zone.key.replace('binary_remote_addr', 'ip').replace('remote_addr', 'ip'), 'custom') : 'custom',
        keyDetail: zone ? `\`${zone.key}\`` : 'an unknown zone key',
      });
      const covers = (path: string): boolean => {
        if (modifier.startsWith('~')) {
          try {
            return new RegExp(prefix, modifier === '~*' ? 'i' : '').test(path.replace(/\{[^}]+\}/g, 'x'));
          } catch {
            return false;
          }
        }
        if (modifier === '=') return path === prefix;
        return path.replace(/\{[^}]+\}/g, 'x').startsWith(prefix.replace(/\/$/, '')) || prefix === '/';
      };
      rules.push({ limiter, covers, specific: where !== undefined && prefix !== '/' });
    }
  }
  return rules;
}

function yamlDocs(text: string): unknown[] {
  try {
    return text
      .split(/^---\s*$/m)
      .map((part) => parseYaml(part) as unknown)
      .filter((doc) => doc !== null && doc !== undefined);
  } catch {
    return [];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function kongRules(file: InfraFile): GatewayRule[] {
  const rules: GatewayRule[] = [];
  const index = (needle: string): number => Math.max(0, file.text.indexOf(needle));
  const plugin = (entry: unknown): Limiter | undefined => {
    if (!isRecord(entry) || typeof entry.name !== 'string' || !/^rate-limiting/.test(entry.name)) return undefined;
    const config = isRecord(entry.config) ? entry.config : {};
    const windows: [string, number][] = [
      ['second', 1],
      ['minute', 60],
      ['hour', 3600],
      ['day', 86400],
    ];
    const found = windows.find(([name]) => typeof config[name] === 'number');
    const count = found ? Number(config[found[0]]) : undefined;
    const limitBy = typeof config.limit_by === 'string' ? config.limit_by : 'consumer';
    return gatewayLimiter(file, index(`name: ${entry.name}`), `name: ${entry.name}`, {
      library: 'Kong rate-limiting',
      ...(found && count !== undefined ? { limit: `${count} per ${found[0]}`, perMinute: (count * 60) / found[1] } : {}),
      key: limitBy === 'ip' ? 'ip' : limitBy === 'consumer' || limitBy === 'credential' ? 'user' : limitBy === 'header' ? 'key' : 'custom',
      keyDetail: `\`limit_by: ${limitBy}\``,
    });
  };
  const pathsOf = (routes: unknown): string[] => list(routes).flatMap((route) => (isRecord(route) ? list(route.paths).filter((p): p is string => typeof p === 'string') : []));
  const prefixCovers = (prefixes: string[]) => (path: string): boolean => prefixes.some((prefix) => path.startsWith(prefix.replace(/^~/, '').replace(/\/$/, '')));
  for (const doc of yamlDocs(file.text)) {
    if (!isRecord(doc)) continue;
    for (const entry of list(doc.plugins)) {
      const limiter = plugin(entry);
      if (limiter) rules.push({ limiter, covers: () => true, specific: false });
    }
    for (const service of list(doc.services)) {
      if (!isRecord(service)) continue;
      const servicePaths = pathsOf(service.routes);
      for (const entry of list(service.plugins)) {
        const limiter = plugin(entry);
        if (limiter) rules.push({ limiter, covers: servicePaths.length > 0 ? prefixCovers(servicePaths) : () => true, specific: false });
      }
      for (const route of list(service.routes)) {
        if (!isRecord(route)) continue;
        const paths = pathsOf([route]);
        for (const entry of list(route.plugins)) {
          const limiter = plugin(entry);
          if (limiter) rules.push({ limiter, covers: prefixCovers(paths), specific: true });
        }
      }
    }
  }
  return rules;
}

function textRule(file: InfraFile, pattern: RegExp, library: string, key: LimitKey, keyDetail: string, limitOf?: (match: RegExpExecArray) => { limit: string; perMinute?: number } | undefined): GatewayRule[] {
  const match = pattern.exec(file.text);
  if (!match) return [];
  const limit = limitOf?.(match);
  return [{ limiter: gatewayLimiter(file, match.index, match[0].split('\n')[0] ?? match[0], { library, key, keyDetail, ...(limit ?? {}) }), covers: () => true, specific: false }];
}

export function gatewayRules(ctx: CheckContext): GatewayRule[] {
  const rules: GatewayRule[] = [];
  for (const file of ctx.infra) {
    if (file.kind === 'nginx') rules.push(...nginxRules(file));
    else if (file.kind === 'kong') rules.push(...kongRules(file));
    else if (file.kind === 'envoy')
      rules.push(
        ...textRule(file, /envoy\.filters\.http\.(local_ratelimit|ratelimit)/, 'Envoy rate limit', 'global', 'a shared token bucket', () => {
          const tokens = /max_tokens:\s*(\d+)/.exec(file.text);
          const interval = /fill_interval:\s*['"]?(\d+)s/.exec(file.text);
          return tokens && interval ? { limit: `${tokens[1]} per ${humanWindow(Number(interval[1]))}`, perMinute: (Number(tokens[1]) * 60) / Number(interval[1]) } : undefined;
        }),
      );
    else if (file.kind === 'serverless')
      rules.push(
        ...textRule(file, /^\s*(throttle|apiGatewayThrottling):\s*$/m, 'API Gateway throttling', 'global', 'the stage (all clients)', () => {
          const rate = /(rateLimit|maxRequestsPerSecond):\s*(\d+)/.exec(file.text);
          return rate ? { limit: `${rate[2]} per second`, perMinute: Number(rate[2]) * 60 } : undefined;
        }),
      );
    else if (file.kind === 'sam')
      rules.push(
        ...textRule(file, /ThrottlingRateLimit:\s*(\d+)/, 'API Gateway throttling', 'global', 'the stage (all clients)', (m) => ({ limit: `${m[1]} per second`, perMinute: Number(m[1]) * 60 })),
      );
    else if (file.kind === 'terraform') {
      rules.push(
        ...textRule(file, /throttling_rate_limit\s*=\s*(\d+)/, 'API Gateway throttling', 'global', 'the stage (all clients)', (m) => ({ limit: `${m[1]} per second`, perMinute: Number(m[1]) * 60 })),
        ...textRule(file, /rate_based_statement\s*\{[^}]*?limit\s*=\s*(\d+)/, 'AWS WAF rate-based rule', 'ip', 'the client IP', (m) => ({ limit: `${m[1]} per 5 minutes`, perMinute: Number(m[1]) / 5 })),
      );
    }
  }
  return rules;
}
