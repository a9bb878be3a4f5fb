import type { Endpoint, OwaspCategory, SectionId, Severity, Confidence } from '../model/types.js';
import type { Exchange, LiveRequest, LiveResponse } from './http.js';

/**
 * The probe contract. A probe is one folder `src/live/probes/<id>/` with `probe.ts`
 * (`export default defineProbe({...})`) and `probe.test.ts`, registered in `probes/index.ts`.
 *
 * Declarative where it can be (Nuclei's templates are the model): `targets` says which requests
 * to build, `request` the template, `matchers` when the answer proves the weakness. A probe whose
 * logic does not fit (compare two answers, a burst, two identities) implements `run` instead.
 * Either way the runner builds the Finding (metadata, masked evidence, curl line), merges it with
 * the static finding it `confirms` on the same endpoint, and never lets a probe leave the origin.
 */

export type ProbeKind = 'passive' | 'active';

/** Which credentials a request carries: none, identity A (`--auth-header`), B (`--auth-header-b`), or A's headers with a broken token. */
export type Credentials = 'none' | 'a' | 'b' | 'malformed';

export interface ProbeMeta {
  /** kebab-case, names the weakness seen live; equals the folder name. */
  id: string;
  /** A noun phrase. */
  title: string;
  /** Passive probes only read (GET/HEAD/OPTIONS, malformed input that changes nothing); active ones may change state and run only with `--active`. */
  kind: ProbeKind;
  owasp: OwaspCategory;
  cwe: string[];
  severity: Severity;
  confidence: Confidence;
  section: Exclude<SectionId, 'inventory'>;
  /** Why it matters. */
  rationale: string;
  /** What to do: starts with a verb. */
  remediation: string;
  /**
   * Static check ids reporting the same weakness. A live finding on the same endpoint (or, for an
   * origin-wide probe, anywhere) is merged into that static finding: it becomes `confirmedLive`.
   */
  confirms?: string[];
  /** Upper bound of requests one run of this probe sends (the runner skips it when the budget left is smaller). */
  maxRequests?: number;
}

/** Where a declarative probe sends its template. */
export type ProbeTargets =
  /** Once, at `request.path` (default `/`). */
  | { kind: 'origin' }
  /** Once per inventoried endpoint the filter keeps (path parameters filled with sample values). */
  | { kind: 'endpoints'; filter?: EndpointFilter };

export interface EndpointFilter {
  /** Methods kept (default: GET only, so passive probes never call a write). */
  methods?: readonly string[];
  /** Only endpoints the audit says should require credentials (`protected`, or a static auth finding on them). */
  needsAuth?: boolean;
  protocols?: readonly Endpoint['protocol'][];
}

export interface RequestTemplate {
  /** Default: the endpoint's method, or GET. */
  method?: string;
  /** For `origin` probes; `{{path}}` is the endpoint's concrete path. Default `{{path}}` or `/`. */
  path?: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
  /** Default `a` when identity A was given, else `none`. */
  credentials?: Credentials;
  followRedirects?: boolean;
}

/** Every matcher passes (`and`, default) or one does (`or`); `negative` inverts one. */
export type Matcher =
  | { type: 'status'; status: readonly number[]; negative?: boolean }
  /** The header is present (no `regex`) or its value matches. */
  | { type: 'header'; name: string; regex?: RegExp; negative?: boolean }
  | { type: 'body'; regex: RegExp; negative?: boolean };

export interface DeclarativeProbe extends ProbeMeta {
  targets: ProbeTargets;
  request: RequestTemplate;
  matchers: readonly Matcher[];
  matchersCondition?: 'and' | 'or';
  /** The finding's message; `{{path}}`, `{{method}}`, `{{status}}`, `{{header:NAME}}`, `{{match}}` are filled. */
  message: string;
  /** Fire even when the answer looks like the target's answer to a random path (default false: a say-yes server proves nothing). */
  matchBaseline?: boolean;
}

/** What a code probe reports; the runner turns it into a Finding. */
export interface LiveReport {
  /** A sentence naming the concrete thing seen. */
  message: string;
  /** The request/answer pair(s) that prove it: the first is the main evidence. */
  exchanges: readonly Exchange[];
  /** The inventory endpoint concerned, when there is one. */
  endpointId?: string;
  /** Overrides the probe's default. */
  severity?: Severity;
  confidence?: Confidence;
  /** Makes the fingerprint unique when endpoint and probe are not enough (e.g. a CORS variant). */
  key?: string;
  /** Free-form facts added to the evidence (no secrets: they are masked anyway). */
  facts?: Record<string, string | number | boolean>;
}

/** An endpoint ready to call: its inventory record and a concrete path on the target. */
export interface LiveEndpoint {
  endpoint: Endpoint;
  method: string;
  /** The path with parameters filled (`/users/1`), query included when one is required. */
  path: string;
  /** The audit says it should require credentials. */
  needsAuth: boolean;
}

export interface ProbeContext {
  readonly origin: string;
  readonly endpoints: readonly LiveEndpoint[];
  /** Paths where GraphQL is served (`--graphql`, inventory paths ending in `/graphql`). */
  readonly graphqlPaths: readonly string[];
  /** Which identities were given. */
  readonly identities: { a: boolean; b: boolean };
  readonly active: boolean;
  /** Sends through the scope-guarded client, adding the credentials asked for. Throws when the budget is spent or the run stops: let it propagate. */
  send(request: LiveRequest, credentials?: Credentials): Promise<Exchange>;
  /** The answer looks like the target's answer to a random non-existent path (soft 404, say-yes server). */
  isBaselineLike(response: LiveResponse): boolean;
  /** Answers already seen for `GET path` with these credentials (pre-flight and earlier probes), to save budget. */
  cached(path: string, credentials: Credentials): Exchange | undefined;
  report(report: LiveReport): void;
  /** Budget left. */
  remaining(): number;
  /** https targets: whether the server completes a handshake limited to this TLS version (one unit of the budget). */
  handshake(version: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'): Promise<{ accepted: boolean; protocol?: string; reason?: string }>;
}

export interface CodeProbe extends ProbeMeta {
  run(ctx: ProbeContext): Promise<void>;
}

export type Probe = DeclarativeProbe | CodeProbe;

export function isCodeProbe(probe: Probe): probe is CodeProbe {
  return 'run' in probe;
}

/** Typed factory, as `defineCheck`. */
export default function defineProbe<P extends Probe>(probe: P): P {
  return probe;
}

/** Whether a response satisfies a declarative probe's matchers; returns the matched text for `{{match}}`. */
export function matchResponse(
  matchers: readonly Matcher[],
  condition: 'and' | 'or',
  response: LiveResponse,
): { matched: boolean; text?: string } {
  let text: string | undefined;
  const results = matchers.map((matcher) => {
    let hit: boolean;
    if (matcher.type === 'status') {
      hit = matcher.status.includes(response.status);
    } else if (matcher.type === 'header') {
      const value = response.headers[matcher.name.toLowerCase()];
      const found = value === undefined ? null : matcher.regex === undefined ? [value] : matcher.regex.exec(value);
      hit = found !== null;
      if (hit && matcher.negative !== true) text ??= `${matcher.name}: ${value ?? ''}`;
    } else {
      const found = matcher.regex.exec(response.body);
      hit = found !== null;
      if (found !== null && matcher.negative !== true) text ??= found[0].slice(0, 200);
    }
    return matcher.negative === true ? !hit : hit;
  });
  const matched = condition === 'or' ? results.some(Boolean) : results.length > 0 && results.every(Boolean);
  return matched ? { matched, ...(text === undefined ? {} : { text }) } : { matched };
}
