import type { AuditConfig } from '../engine/context.js';
import type { ApiType, AuthMechanism, AuthState, Tier, VersioningStrategy } from '../model/types.js';
import { pathVersion } from './paths.js';

const TIER_RANK: Record<Tier, number> = { critical: 3, high: 2, medium: 1, low: 0 };

export function tierRank(tier: Tier): number {
  return TIER_RANK[tier];
}

export function maxTier(tiers: Iterable<Tier>): Tier {
  let best: Tier = 'low';
  for (const tier of tiers) if (TIER_RANK[tier] > TIER_RANK[best]) best = tier;
  return best;
}

/** Lower-case words of an identifier: `dateOfBirth`, `date_of_birth`, `Date-Of-Birth` → date, of, birth. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

interface Rule {
  tier: Tier;
  /** Any of these words. */
  words?: readonly string[];
  /** Any of these in the words joined together. */
  joined?: readonly string[];
  /** Words that make a match something else (`page_token`, `secret_scanning`). */
  unless?: readonly string[];
}

// Seed 001's tiers: Critical passwords, tokens, secrets, PII, financial data; High email, phone,
// address, preferences; Medium public profile data.
const FIELD_RULES: readonly Rule[] = [
  { tier: 'critical', words: ['password', 'passwd', 'passphrase', 'pwd', 'credential', 'credentials', 'otp', 'totp', 'pin', 'cvv', 'cvc', 'cvv2'] },
  { tier: 'critical', joined: ['password', 'accesstoken', 'refreshtoken', 'idtoken', 'authtoken', 'apitoken', 'bearertoken', 'apikey', 'accesskey', 'secretkey', 'privatekey', 'signingkey', 'encryptionkey', 'clientsecret'] },
  { tier: 'critical', words: ['token', 'tokens', 'jwt'], unless: ['page', 'next', 'prev', 'previous', 'continuation', 'cursor', 'sync', 'skip', 'delta', 'pagination', 'count', 'limit'] },
  { tier: 'critical', words: ['secret', 'secrets'], unless: ['scanning', 'count'] },
  { tier: 'critical', words: ['ssn', 'sin', 'dob', 'passport', 'iban', 'pan', 'bic', 'salary'] },
  { tier: 'critical', joined: ['socialsecurity', 'dateofbirth', 'birthdate', 'birthday', 'nationalid', 'nationalidentity', 'taxid', 'taxnumber', 'driverlicense', 'driverslicense', 'drivinglicense', 'cardnumber', 'creditcard', 'debitcard', 'accountnumber', 'routingnumber', 'bankaccount', 'sortcode'] },
  { tier: 'critical', words: ['card', 'cards', 'balance', 'balances', 'payment', 'payments'] },
  { tier: 'high', words: ['email', 'emails', 'mail', 'phone', 'phones', 'mobile', 'telephone', 'msisdn', 'address', 'addresses', 'street', 'postcode', 'zip', 'zipcode', 'preferences', 'latitude', 'longitude', 'geolocation', 'ip', 'gender', 'ethnicity', 'religion'] },
  { tier: 'high', joined: ['emailaddress', 'phonenumber', 'postalcode', 'ipaddress', 'homeaddress'] },
  { tier: 'medium', words: ['profile', 'username', 'avatar', 'bio', 'nickname', 'surname'] },
  { tier: 'medium', joined: ['firstname', 'lastname', 'fullname', 'givenname', 'familyname', 'displayname', 'username'] },
];

const PATH_RULES: readonly Rule[] = [
  { tier: 'critical', words: ['login', 'signin', 'signup', 'register', 'auth', 'oauth', 'oauth2', 'token', 'tokens', 'password', 'passwords', 'credentials', 'secrets', 'payment', 'payments', 'billing', 'charges', 'payouts', 'transfers', 'refunds', 'wallet', 'wallets', 'kyc', 'bank'] },
  { tier: 'critical', joined: ['apikeys', 'accesskeys', 'resetpassword', 'passwordreset'] },
  { tier: 'high', words: ['users', 'user', 'customers', 'customer', 'accounts', 'account', 'contacts', 'members', 'people', 'employees', 'patients', 'addresses', 'emails'] },
  { tier: 'medium', words: ['profile', 'profiles', 'me'] },
];

const LOW_PATH_WORDS = new Set(['health', 'healthz', 'healthcheck', 'livez', 'readyz', 'liveness', 'readiness', 'ready', 'live', 'ping', 'status', 'version', 'catalog', 'products']);

function matches(rule: Rule, list: readonly string[], joined: string): boolean {
  if (rule.unless?.some((word) => list.includes(word))) return false;
  if (rule.words?.some((word) => list.includes(word))) return true;
  return rule.joined?.some((fragment) => joined.includes(fragment)) ?? false;
}

// Names repeat across thousands of schemas; the verdicts are pure, so they are kept.
const verdicts = new Map<readonly Rule[], Map<string, Tier | null>>();

function tierBy(rules: readonly Rule[], name: string): Tier | undefined {
  let cache = verdicts.get(rules);
  if (!cache) verdicts.set(rules, (cache = new Map<string, Tier | null>()));
  const known = cache.get(name);
  if (known !== undefined) return known ?? undefined;
  const list = words(name);
  const joined = list.join('');
  let tier: Tier | null = null;
  for (const rule of rules) {
    if (matches(rule, list, joined)) {
      tier = rule.tier;
      break;
    }
  }
  if (cache.size < 50_000) cache.set(name, tier);
  return tier ?? undefined;
}

// `paymentId`, `card_count`, `token_type`: references to or facts about sensitive data, not the data.
const REFERENCE_SUFFIX = /(?:^|[^a-z])(?:id|ids|uuid|gid|count|type|types|status|url|enabled|required|expires?|expiry)$|[a-z](?:Id|Ids|Count|Type|Status|Url|Enabled)$/;

/** The sensitivity a field or parameter name suggests, when it suggests one. */
export function tierOfName(name: string): Tier | undefined {
  if (REFERENCE_SUFFIX.test(name) && words(name).length > 1) return undefined;
  return tierBy(FIELD_RULES, name);
}

/** An API's mechanisms: those of its endpoints, without `none` when anything else applies. */
export function apiMechanisms(endpoints: readonly { auth: { mechanisms: readonly AuthMechanism[] } }[]): AuthMechanism[] {
  const all = [...new Set(endpoints.flatMap((endpoint) => endpoint.auth.mechanisms))].sort();
  return all.length > 1 ? all.filter((mechanism) => mechanism !== 'none') : all;
}

/** Where a name was seen, for the reason: "request body", "response", "query parameter" … */
export interface NamedField {
  name: string;
  /** e.g. "field `password` in request body". */
  reason: string;
  tier?: Tier;
}

export interface TierVerdict {
  tier: Tier;
  reason: string;
}

/**
 * An endpoint's tier: the highest tier among its fields, parameters and path words (the first
 * reason found wins a tie); without any, Low for health/status/catalog routes and unauthenticated
 * ones, Medium for authenticated ones ("public metadata requiring auth").
 */
export function classifyTier(fields: Iterable<NamedField>, path: string, auth: AuthState): TierVerdict {
  let best: TierVerdict | undefined;
  const consider = (tier: Tier | undefined, reason: string): void => {
    if (tier && (!best || TIER_RANK[tier] > TIER_RANK[best.tier])) best = { tier, reason };
  };
  for (const field of fields) {
    consider(field.tier ?? tierOfName(field.name), field.reason);
    if (best?.tier === 'critical') return best;
  }
  const segments = path.split(/[/.]/).filter((segment) => segment !== '' && !/^[{<:[]/.test(segment));
  let low: string | undefined;
  for (const segment of segments) {
    consider(tierBy(PATH_RULES, segment), `path segment \`${segment}\``);
    if (!low && isLowSegment(segment)) low = segment;
  }
  if (best) return best;
  if (low) return { tier: 'low', reason: `health, status or catalog route (\`${low}\`)` };
  if (auth === 'protected') return { tier: 'medium', reason: 'requires authentication; no sensitive field or parameter found' };
  return { tier: 'low', reason: 'no sensitive field or parameter found' };
}

const lowSegments = new Map<string, boolean>();

function isLowSegment(segment: string): boolean {
  let low = lowSegments.get(segment);
  if (low === undefined) {
    low = words(segment).some((word) => LOW_PATH_WORDS.has(word));
    if (lowSegments.size < 50_000) lowSegments.set(segment, low);
  }
  return low;
}

export interface TypeVerdict {
  type: ApiType;
  reason: string;
}

/** Reads an audience marker value (`x-internal: true`, `x-api-audience: partner` …). */
export function typeFromMarker(value: unknown): ApiType | undefined {
  if (value === true) return 'internal';
  const text = Array.isArray(value) ? value.filter((item) => typeof item === 'string').join(' ') : typeof value === 'string' ? value : '';
  return typeFromWords(text);
}

function typeFromWords(text: string): ApiType | undefined {
  const lower = text.toLowerCase();
  if (/\b(partners?|b2b)\b/.test(lower)) return 'partner';
  if (/\b(internal|private|intranet)\b/.test(lower)) return 'internal';
  if (/\b(public|external|customers?)\b/.test(lower)) return 'external';
  return undefined;
}

/** `/internal/…` and `/partner/…`, `/b2b/…` routes. */
export function typeFromPath(path: string): ApiType | undefined {
  const segments = path.toLowerCase().split('/');
  if (segments.some((segment) => segment === 'internal' || segment === '_internal' || segment === 'private')) return 'internal';
  if (segments.some((segment) => segment === 'partner' || segment === 'partners' || segment === 'b2b')) return 'partner';
  return undefined;
}

/** What a server URL's host says: private addresses and cluster names are internal. */
export function typeFromServer(url: string): ApiType | undefined {
  const match = /^(?:[a-z{][^:/]*:)?\/\/([^/?#]+)/i.exec(url.trim());
  if (!match?.[1]) return undefined;
  const host = match[1].replace(/^[^@]*@/, '').replace(/:\d+$|:\{[^}]*\}$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  if (host.includes('{')) return undefined;
  if (
    host === 'localhost' ||
    host === '::1' ||
    host === '0.0.0.0' ||
    /^127\./.test(host) ||
    /^10\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    /^169\.254\./.test(host) ||
    /\.(internal|local|localdomain|svc|cluster\.local|corp|intranet|lan|private)$/.test(host) ||
    /(^|[.-])internal([.-]|$)/.test(host)
  ) {
    return 'internal';
  }
  if (/(^|[.-])(partners?|b2b)([.-]|$)/.test(host)) return 'partner';
  return 'external';
}

export interface TypeSignals {
  /** Names the config may use for this API: name, id, file. */
  names: readonly string[];
  /** Explicit markers, most specific last is not implied: checked in order. */
  markers: readonly { value: unknown; where: string }[];
  servers: readonly { url: string; description?: string }[];
  /** Title and description. */
  title?: string;
  description?: string;
  paths: readonly string[];
}

/**
 * An API's type: the config's `apiTypes` first, then explicit markers, server descriptions, the
 * title, `/internal/`-style paths (most of them), server hosts; external when nothing says otherwise.
 */
export function classifyApiType(signals: TypeSignals, config: AuditConfig): TypeVerdict {
  for (const name of signals.names) {
    const configured = config.apiTypes[name] ?? Object.entries(config.apiTypes).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
    if (configured) return { type: configured, reason: `set for \`${name}\` in ${config.file ?? 'the configuration'} (apiTypes)` };
  }
  for (const marker of signals.markers) {
    const type = typeFromMarker(marker.value);
    if (type) return { type, reason: `marked by \`${marker.where}\`` };
  }
  for (const server of signals.servers) {
    const type = server.description ? typeFromWords(server.description) : undefined;
    if (type) return { type, reason: `server \`${server.url}\` is described as "${server.description ?? ''}"` };
  }
  const titled = signals.title ? typeFromTitle(signals.title) : undefined;
  if (titled) return { type: titled, reason: `the title "${signals.title ?? ''}" says so` };
  if (signals.paths.length > 0) {
    const counts = { internal: 0, partner: 0, external: 0 };
    for (const path of signals.paths) counts[typeFromPath(path) ?? 'external']++;
    if (counts.internal * 2 > signals.paths.length) return { type: 'internal', reason: `${counts.internal} of ${signals.paths.length} routes are under an internal prefix` };
    if (counts.partner * 2 > signals.paths.length) return { type: 'partner', reason: `${counts.partner} of ${signals.paths.length} routes are under a partner prefix` };
  }
  if (signals.servers.length > 0) {
    const types = signals.servers.map((server) => typeFromServer(server.url));
    if (types.includes('partner')) return { type: 'partner', reason: `a server host names partners (\`${signals.servers[types.indexOf('partner')]?.url ?? ''}\`)` };
    if (!types.includes('external') && types.every((type) => type === 'internal')) {
      return { type: 'internal', reason: `every server is on a private or cluster-internal host (\`${signals.servers[0]?.url ?? ''}\`)` };
    }
  }
  const described = signals.description ? typeFromTitle(signals.description.split(/(?<=[.!?])\s/)[0] ?? '') : undefined;
  if (described) return { type: described, reason: 'the description says so' };
  return { type: 'external', reason: 'no internal or partner marker; assumed public-facing' };
}

function typeFromTitle(text: string): ApiType | undefined {
  const lower = text.toLowerCase();
  if (/\b(partners?|b2b)\b/.test(lower)) return 'partner';
  if (/\binternal\b|\bservice[- ]to[- ]service\b/.test(lower)) return 'internal';
  return undefined;
}

export function audienceOf(type: ApiType, marker?: string): string {
  if (marker) return marker;
  if (type === 'internal') return 'internal services (service-to-service)';
  if (type === 'partner') return 'partners (B2B integrations)';
  return 'public clients (third-party and end-user applications)';
}

/** The first sentence of a description (markdown stripped), else the title. */
export function purposeOf(title: string | undefined, description: string | undefined): string {
  const text = (description ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^#+\s.*$/gm, '')
    .replace(/[*_`]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const sentence = /^(.+?[.!?])(\s|$)/.exec(text)?.[1] ?? text;
  const trimmed = sentence.length > 200 ? `${sentence.slice(0, 197).trimEnd()}…` : sentence;
  if (trimmed !== '') return trimmed;
  return title?.trim() ?? '';
}

export interface VersionSignals {
  /** Endpoint paths and server URL paths. */
  paths: readonly string[];
  headers: readonly { name: string; values: readonly string[] }[];
  queries: readonly { name: string; values: readonly string[] }[];
  mediaTypes: readonly string[];
}

const VERSION_HEADER = /^(x-)?(api-)?version$|^accept-version$|api-version$|-version$/i;
const VERSION_QUERY = /^(api[-_]?)?version$/i;

export function isVersionHeader(name: string): boolean {
  return VERSION_HEADER.test(name);
}

export function isVersionQuery(name: string): boolean {
  return VERSION_QUERY.test(name);
}

export function mediaTypeVersion(mediaType: string): string | undefined {
  const vendor = /vnd\.[^;]*?[.+-]v(\d+(?:\.\d+)*)(?=[.+;]|$)/i.exec(mediaType);
  if (vendor?.[1]) return `v${vendor[1]}`;
  const parameter = /;\s*(?:version|v)=["']?([\w.-]+)/i.exec(mediaType);
  return parameter?.[1];
}

/** The versioning strategy: path (`/v1/`), header, query or media type; the versions seen. */
export function detectVersioning(signals: VersionSignals): { strategy: VersioningStrategy; versions: string[] } {
  const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const inPaths = signals.paths.map(pathVersion).filter((version) => version !== undefined);
  if (inPaths.length > 0) return { strategy: 'path', versions: sorted(inPaths) };
  const headers = signals.headers.filter((header) => isVersionHeader(header.name));
  if (headers.length > 0) return { strategy: 'header', versions: sorted(headers.flatMap((header) => header.values)) };
  const queries = signals.queries.filter((query) => isVersionQuery(query.name));
  if (queries.length > 0) return { strategy: 'query', versions: sorted(queries.flatMap((query) => query.values)) };
  const media = signals.mediaTypes.map(mediaTypeVersion).filter((version) => version !== undefined);
  if (media.length > 0) return { strategy: 'media-type', versions: sorted(media) };
  return { strategy: 'none', versions: [] };
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/\.(ya?ml|json|graphqls?|gql|proto)$/, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
}
