import type { ScopeReason } from '../workspace/scope.js';
import type { AuditResult } from '../engine/result.js';
import type { ApiType, AuthState, Presence, SectionId, Severity, Tier } from '../model/types.js';
import { SECTIONS, SEVERITIES, TIER_ORDER } from '../model/types.js';

export const API_TYPES: readonly ApiType[] = ['external', 'partner', 'internal'];
export const AUTH_STATES: readonly AuthState[] = ['protected', 'public', 'unprotected', 'unknown'];
export const PRESENCES: readonly Presence[] = ['present', 'missing', 'unknown'];

export interface ReportSummary {
  apis: number;
  endpoints: number;
  deprecatedEndpoints: number;
  apisByType: Record<ApiType, number>;
  apisByTier: Record<Tier, number>;
  endpointsByTier: Record<Tier, number>;
  findings: number;
  bySeverity: Record<Severity, number>;
  bySection: Record<SectionId, number>;
  authentication: Record<AuthState, number>;
  authorization: { objectLevel: Record<Presence, number>; functionLevel: Record<Presence, number> };
  rateLimiting: { covered: number; total: number; percent: number };
  diagnostics: { error: number; warning: number; info: number };
  files: { scanned: number; spec: number; source: number; excluded: number; excludedByReason: Partial<Record<ScopeReason, number>> };
  checks: number;
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

export function summarize(result: AuditResult): ReportSummary {
  const { apis, endpoints } = result.inventory;
  const apisByType = zeros(API_TYPES);
  const apisByTier = zeros(TIER_ORDER);
  for (const api of apis) {
    apisByType[api.type] += 1;
    apisByTier[api.tier] += 1;
  }
  const endpointsByTier = zeros(TIER_ORDER);
  const authentication = zeros(AUTH_STATES);
  const objectLevel = zeros(PRESENCES);
  const functionLevel = zeros(PRESENCES);
  let covered = 0;
  let deprecatedEndpoints = 0;
  for (const endpoint of endpoints) {
    endpointsByTier[endpoint.tier] += 1;
    authentication[endpoint.auth.state] += 1;
    objectLevel[endpoint.authorization?.objectLevel ?? 'unknown'] += 1;
    functionLevel[endpoint.authorization?.functionLevel ?? 'unknown'] += 1;
    if (endpoint.rateLimit?.state === 'present') covered += 1;
    if (endpoint.deprecated) deprecatedEndpoints += 1;
  }
  const bySeverity = zeros(SEVERITIES);
  const bySection = zeros(Object.keys(SECTIONS) as SectionId[]);
  for (const finding of result.findings) {
    bySeverity[finding.severity] += 1;
    bySection[finding.section] += 1;
  }
  const diagnostics = { error: 0, warning: 0, info: 0 };
  for (const diagnostic of result.diagnostics) diagnostics[diagnostic.level] += 1;
  return {
    apis: apis.length,
    endpoints: endpoints.length,
    deprecatedEndpoints,
    apisByType,
    apisByTier,
    endpointsByTier,
    findings: result.findings.length,
    bySeverity,
    bySection,
    authentication,
    authorization: { objectLevel, functionLevel },
    rateLimiting: {
      covered,
      total: endpoints.length,
      percent: endpoints.length === 0 ? 0 : Math.round((covered / endpoints.length) * 100),
    },
    diagnostics,
    files: {
      scanned: result.stats.filesScanned,
      spec: result.stats.specFiles,
      source: result.stats.sourceFiles,
      excluded: result.stats.excludedFiles,
      excludedByReason: result.stats.excludedByReason,
    },
    checks: result.checks.length,
  };
}
