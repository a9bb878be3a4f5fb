/**
 * What the probe tests share: the shop inventory read from its OpenAPI document by the real
 * OpenAPI collector (as `apisec probe --spec` reads it), the four servers, and one call that runs
 * probes against a server through `runLive` with identities A and B.
 */
import type { Endpoint, Finding, Severity } from '../../src/model/types.js';
import { collectOpenApi } from '../../src/collectors/spec/openapi.js';
import { loadSpec } from '../../src/collectors/spec/openapi-loader.js';
import { runLive } from '../../src/live/runner.js';
import type { LiveResult } from '../../src/live/runner.js';
import type { LiveEndpoint, Probe } from '../../src/live/probe.js';
import type { StartedServer } from './servers/common.js';
import { startCanaryServer } from './servers/canary.js';
import { startHardenedServer } from './servers/hardened.js';
import { startSayYesServer } from './servers/say-yes.js';
import { SHOP_OPENAPI } from './servers/shop.js';
import { startVulnerableServer } from './servers/vulnerable.js';
import type { ShopServer, VulnerableOptions } from './servers/vulnerable.js';

export function shopInventory(): Endpoint[] {
  const loaded = loadSpec('shop-openapi.json', JSON.stringify(SHOP_OPENAPI, null, 2), () => undefined);
  if (!loaded.spec) throw new Error(`the shop spec did not load: ${JSON.stringify(loaded.diagnostics)}`);
  return collectOpenApi(loaded.spec, { publicEndpoints: [], apiTypes: {}, disabledChecks: [] }).endpoints;
}

export interface Servers {
  vulnerable: ShopServer;
  hardened: ShopServer;
  sayYes: StartedServer;
  canary: StartedServer;
  close(): Promise<void>;
}

export async function startServers(options: VulnerableOptions = {}): Promise<Servers> {
  const canary = await startCanaryServer();
  const [vulnerable, hardened, sayYes] = await Promise.all([startVulnerableServer({ canaryUrl: canary.url, ...options }), startHardenedServer(), startSayYesServer()]);
  return {
    vulnerable,
    hardened,
    sayYes,
    canary,
    close: async () => {
      await Promise.all([vulnerable.close(), hardened.close(), sayYes.close(), canary.close()]);
    },
  };
}

export interface ProbeRunOptions {
  /** Tokens of A and B (the say-yes server has none of its own: pass another server's); null: no identity at all. */
  tokens: { a: string; b: string } | null;
  active?: boolean;
  budget?: number;
  ratePerSecond?: number;
  inventory?: Endpoint[];
  /** Extra endpoints, after the inventory's. */
  endpoints?: LiveEndpoint[];
}

export async function probe(server: StartedServer, probes: readonly Probe[], options: ProbeRunOptions): Promise<LiveResult> {
  return runLive({
    target: server.url,
    // A TLS test server answers for its certificate's name on 127.0.0.1.
    ...(server.ca === undefined ? {} : { ca: server.ca, resolve: () => Promise.resolve({ address: '127.0.0.1', family: 4 as const }) }),
    probes,
    inventory: options.inventory ?? shopInventory(),
    ...(options.endpoints === undefined ? {} : { endpoints: options.endpoints }),
    authA: options.tokens ? [{ name: 'Authorization', value: `Bearer ${options.tokens.a}` }] : [],
    authB: options.tokens ? [{ name: 'Authorization', value: `Bearer ${options.tokens.b}` }] : [],
    active: options.active ?? true,
    budget: options.budget ?? 300,
    ratePerSecond: options.ratePerSecond ?? 200,
  });
}

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function atLeast(findings: readonly Finding[], severity: Severity): Finding[] {
  return findings.filter((finding) => RANK[finding.severity] >= RANK[severity]);
}

/** Findings of one probe, as `id: message` lines (readable failures). */
export function lines(findings: readonly Finding[], id?: string): string[] {
  return findings.filter((finding) => id === undefined || finding.checkId === id).map((finding) => `${finding.checkId} [${finding.severity}]: ${finding.message}`);
}
