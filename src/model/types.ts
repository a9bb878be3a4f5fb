/** The audit's data model: plain, serialisable types shared by every stage. */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const CONFIDENCES = ['high', 'medium', 'low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export const OWASP_CATEGORIES = {
  'API1:2023': 'Broken Object Level Authorization',
  'API2:2023': 'Broken Authentication',
  'API3:2023': 'Broken Object Property Level Authorization',
  'API4:2023': 'Unrestricted Resource Consumption',
  'API5:2023': 'Broken Function Level Authorization',
  'API6:2023': 'Unrestricted Access to Sensitive Business Flows',
  'API7:2023': 'Server Side Request Forgery',
  'API8:2023': 'Security Misconfiguration',
  'API9:2023': 'Improper Inventory Management',
  'API10:2023': 'Unsafe Consumption of APIs',
} as const;
export type OwaspCategory = keyof typeof OWASP_CATEGORIES;

/** The artifact's sections (seed 000), in the order they are written. */
export const SECTIONS = {
  inventory: 'API Inventory',
  authentication: 'Authentication Assessment',
  authorization: 'Authorization Review',
  'rate-limiting': 'Rate Limiting',
  'input-validation': 'Input Validation',
  'cors-transport': 'CORS and Transport',
} as const;
export type SectionId = keyof typeof SECTIONS;

export type Tier = 'critical' | 'high' | 'medium' | 'low';
export const TIER_ORDER: readonly Tier[] = ['critical', 'high', 'medium', 'low'];

export type ApiType = 'internal' | 'external' | 'partner';
export type Protocol = 'rest' | 'graphql' | 'grpc' | 'websocket';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'TRACE' | 'ANY';

/** A place in the workspace. `file` is relative to the audited directory, with `/` separators. */
export interface Location {
  file: string;
  line: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** JSON pointer of the node, for findings on a spec document. */
  pointer?: string;
}

export type AuthMechanism = 'oauth2' | 'jwt' | 'api-key' | 'session' | 'basic' | 'mtls' | 'openid' | 'none' | 'unknown';

/**
 * Whether authentication provably applies to an endpoint.
 * `protected`: a mechanism applies, at `where`; `public`: explicitly declared public;
 * `unprotected`: provably nothing applies; `unknown`: cannot be decided.
 */
export type AuthState = 'protected' | 'public' | 'unprotected' | 'unknown';
export type EvidenceScope = 'route' | 'router' | 'app' | 'gateway' | 'spec' | 'global';

export interface AuthEvidence {
  state: AuthState;
  mechanisms: AuthMechanism[];
  /** Where the protection (or the public marker) is established. */
  where?: Location;
  scope?: EvidenceScope;
  /** Short human description, e.g. "Depends(get_current_user)" or "security: [bearerAuth]". */
  detail?: string;
  /** OAuth scopes or roles required, when declared. */
  scopes?: string[];
}

export type Presence = 'present' | 'missing' | 'unknown';

export interface AuthorizationEvidence {
  objectLevel: Presence;
  functionLevel: Presence;
  detail?: string;
}

export interface RateLimitEvidence {
  state: Presence;
  limit?: string;
  where?: Location;
  scope?: string;
}

export type ParamSource = 'path' | 'query' | 'header' | 'cookie' | 'body' | 'form';
export interface Parameter {
  name: string;
  in: ParamSource;
  required?: boolean;
  type?: string;
}

export interface EndpointSource {
  kind: 'spec' | 'code';
  location: Location;
  /** Framework for code, spec format for specs (openapi-3.1, swagger-2.0, graphql, proto). */
  via: string;
  /** A route the framework serves by itself (its docs UI, its copy of the spec), not one the project wrote. */
  generated?: true;
}

export interface Endpoint {
  /** Stable id: `METHOD path` plus the API it belongs to. */
  id: string;
  apiId: string;
  /** An HttpMethod for REST; QUERY / MUTATION / SUBSCRIPTION for GraphQL; RPC for gRPC. */
  method: string;
  /** Normalised path with `{param}` placeholders; for GraphQL `Query.user`, for gRPC `/pkg.Service/Rpc`. */
  path: string;
  protocol: Protocol;
  /** For a gRPC method transcoded to HTTP (`google.api.http`), the HTTP route, e.g. `/v1/users/{id}`. */
  httpPath?: string;
  sources: EndpointSource[];
  operationId?: string;
  summary?: string;
  tags?: string[];
  handler?: Location;
  parameters: Parameter[];
  auth: AuthEvidence;
  authorization?: AuthorizationEvidence;
  rateLimit?: RateLimitEvidence;
  /** Code routes: the middleware that runs before the handler, in order (app, router, route), where the collector knows it. */
  middleware?: Location[];
  deprecated: boolean;
  sunset?: string;
  version?: string;
  type: ApiType;
  tier: Tier;
  /** Why the tier was chosen, e.g. "field `password` in request body". */
  tierReason?: string;
}

export type VersioningStrategy = 'path' | 'header' | 'query' | 'media-type' | 'none';

export interface Api {
  id: string;
  name: string;
  kind: 'openapi' | 'graphql' | 'grpc' | 'code';
  /** Defining file (spec) or the app's entry file (code). */
  location: Location;
  type: ApiType;
  typeReason: string;
  purpose: string;
  audience: string;
  tier: Tier;
  authMechanisms: AuthMechanism[];
  versioning: VersioningStrategy;
  versions: string[];
  servers: string[];
  endpointIds: string[];
  deprecatedEndpointIds: string[];
}

export interface Evidence {
  /** A short snippet, secrets masked. */
  snippet?: string;
  /** Free-form facts, e.g. { operations: 12 }. */
  [key: string]: unknown;
}

/** Another place of a finding's root cause: a copy of the same code, the same gap on another endpoint, the spec describing the same operation. */
export interface RelatedLocation {
  location: Location;
  endpointId?: string;
  /** The check that reported this place, when it is not the finding's own (a spec check beside its code check). */
  checkId?: string;
  /** What was found at this place, when it differs from the finding's message. */
  message?: string;
}

export interface Finding {
  checkId: string;
  title: string;
  message: string;
  owasp: OwaspCategory;
  cwe: string[];
  severity: Severity;
  confidence: Confidence;
  section: SectionId;
  location: Location;
  endpointId?: string;
  evidence?: Evidence;
  rationale: string;
  remediation: string;
  /** How many places share this root cause (reported once). */
  occurrences?: number;
  /** The root cause's other places, when it was found at several (the finding's `location` is the first). */
  related?: RelatedLocation[];
  fingerprint: string;
  /** Set by probes when the weakness was confirmed against a live target. */
  confirmedLive?: boolean;
}

export interface Diagnostic {
  level: 'error' | 'warning' | 'info';
  file?: string;
  line?: number;
  message: string;
  /** Where it came from: 'workspace', 'openapi', 'check:<id>' … */
  source: string;
}
