/**
 * Spring Boot debugging switches in the configuration the application runs with by default
 * (`application.properties|yml` and the profiles it activates, never `application-dev.yml` alone):
 * `server.error.include-stacktrace=always` puts stack traces in every error response, and
 * `management.endpoints.web.exposure.include` exposing `*` or a diagnostic actuator endpoint
 * (`env`, `heapdump`, `threaddump`, `configprops`, `beans`, `mappings`, `loggers`, `logfile`,
 * `shutdown`, `jolokia`) publishes configuration, secrets and memory — unless the inventory shows
 * that endpoint protected, or the actuator listens on its own `management.server.port`.
 * Read by debug-mode-enabled through the plugin's `debug` section.
 */
import type { CheckContext } from '../../../engine/context.js';
import type { Location } from '../../../model/types.js';
import type { DebugModeProvider, FrameworkFinding } from '../plugin.js';
import { JvmConfig } from '../jvm/config.js';

interface SpringDebugHit {
  kind: 'stacktrace' | 'actuator';
  location: Location;
  text: string;
  endpoints?: string;
}

const DIAGNOSTIC = ['env', 'heapdump', 'threaddump', 'configprops', 'beans', 'mappings', 'loggers', 'logfile', 'shutdown', 'jolokia'];

function springDebug(ctx: CheckContext): SpringDebugHit[] {
  const config = new JvmConfig(ctx.infra);
  const out: SpringDebugHit[] = [];
  const seen = new Set<string>();
  for (const [, properties] of config.modules()) {
    const trace = properties.get('server.error.include-stacktrace');
    if (trace && /^always$/i.test(trace.value.trim())) {
      const key = `${trace.where.file}:${trace.where.line}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ kind: 'stacktrace', location: trace.where, text: `server.error.include-stacktrace=${trace.value}` });
      }
    }
    const include = properties.get('management.endpoints.web.exposure.include');
    if (!include || properties.has('management.server.port')) continue;
    const key = `${include.where.file}:${include.where.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ids = include.value.split(',').map((item) => item.trim().replace(/^["']|["']$/g, ''));
    const excluded = new Set((properties.get('management.endpoints.web.exposure.exclude')?.value ?? '').split(',').map((item) => item.trim()));
    const exposed = (ids.includes('*') ? DIAGNOSTIC : ids.filter((id) => DIAGNOSTIC.includes(id))).filter((id) => !excluded.has(id));
    // An exposed endpoint the code provably protects is not published.
    const open = exposed.filter((id) => {
      const served = ctx.inventory.endpoints.filter((endpoint) => endpoint.sources.some((source) => source.kind === 'code' && source.location.file === include.where.file) && endpoint.path.endsWith(`/${id}`));
      return served.length === 0 || served.some((endpoint) => endpoint.auth.state !== 'protected');
    });
    if (open.length > 0) out.push({ kind: 'actuator', location: include.where, text: `management.endpoints.web.exposure.include=${include.value}`, endpoints: open.join(', ') });
  }
  return out;
}

export const springDebugSettings: DebugModeProvider = {
  messages: {
    springStacktrace: '`{{line}}` returns the stack trace in every error response of the Spring application.',
    springActuator: '`{{line}}` publishes the diagnostic actuator endpoints {{endpoints}} without authentication.',
  },
  settings(ctx: CheckContext): FrameworkFinding[] {
    return springDebug(ctx).map((hit) =>
      hit.kind === 'stacktrace'
        ? { messageId: 'springStacktrace', data: { line: hit.text }, location: hit.location, snippet: hit.text }
        : { messageId: 'springActuator', data: { line: hit.text, endpoints: hit.endpoints ?? '' }, location: hit.location, snippet: hit.text },
    );
  },
};
