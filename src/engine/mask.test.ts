import { describe, expect, it } from 'vitest';
import { allChecks } from '../checks/index.js';
import { formatError } from '../cli/io.js';
import { knownSecrets, maskDeep, maskResult, maskSecrets } from './mask.js';

/** Text holding a secret, and the secret. */
const SECRETS: [string, string, string][] = [
  ['Stripe live key', 'stripe.Client("sk_live_4eC39HqLyjWDarjtT1zdp7dc")', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
  ['Stripe test key in a URL path', 'GET /hooks/sk_test_51HxYzAbCdEfGh/events', 'sk_test_51HxYzAbCdEfGh'],
  ['GitHub token', 'Authorization: token ghp_R4nd0mT0k3nV4lu3H3r3abcdefghijkl', 'ghp_R4nd0mT0k3nV4lu3H3r3abcdefghijkl'],
  ['GitHub fine-grained token', 'GITHUB=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'],
  ['Slack bot token', 'slack.chat("xoxb-1234567890-abcdefghijklmnop")', 'xoxb-1234567890-abcdefghijklmnop'],
  ['Slack token in a JSON pointer', '/paths/~1hooks~1xoxb-1234567890-abcdefghijklmnop~1events/post', 'xoxb-1234567890-abcdefghijklmnop'],
  ['AWS access key id', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLQ', 'AKIAIOSFODNN7EXAMPLQ'],
  ['Google API key', 'maps.js?callback=init&v=3 AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe', 'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe'],
  ['GitLab token', 'git clone https://oauth2:glpat-xY9zAbCdEfGhIjKlMnOp@gitlab.example.com/x.git', 'glpat-xY9zAbCdEfGhIjKlMnOp'],
  ['JWT', 'curl -H "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
  ['JWT after a literal \\n', '"line\\neyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N"', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N'],
  ['JWT claims segment alone', 'tier: path segment `eyjvxxmeodc98ogutjkwavmcn2td9i07q`', 'eyjvxxmeodc98ogutjkwavmcn2td9i07q'],
  ['PEM private key', 'const key = "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA7bq98ZxQb3m1\\n-----END RSA PRIVATE KEY-----";', 'MIIEowIBAAKCAQEA7bq98ZxQb3m1'],
  ['URL password in code', 'requests.get("http://admin:hunter2Pass9@internal.example.com/x")', 'hunter2Pass9'],
  ['URL password in a spec server', 'url: https://deploy:sp3cPassw0rdX@api.example.com/v1', 'sp3cPassw0rdX'],
  ['Redis URL without user', 'REDIS_URL=redis://:Zr7qLm2Xp9@cache:6379/0', 'Zr7qLm2Xp9'],
  ['api_key in a query string', "axios.get('http://api.example.com/v1/items?api_key=9f8e7d6c5b4a39281706f5e4d3c2b1a0&q=' + q)", '9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
  ['token in a query string', 'fetch(`https://api.example.com/items?page=2&access_token=Zq9vK2mXw8Rt4LpN`)', 'Zq9vK2mXw8Rt4LpN'],
  ['key in a query string', 'https://maps.example.com/api/js?key=Xy12ab34cd56ef78', 'Xy12ab34cd56ef78'],
  ['signature in a query string', 'GET https://files.example.com/report.pdf?expires=1700000000&sig=Qm9x7ZpLw2Rt8', 'Qm9x7ZpLw2Rt8'],
  ['JS assignment', "const JWT_SECRET = 'keyboard-cat-but-longer';", 'keyboard-cat-but-longer'],
  ['JSON property', '{ "client_secret": "c0ffee-and-tea-9921" }', 'c0ffee-and-tea-9921'],
  ['Flask config item', 'app.config["JWT_SECRET_KEY"] = "super-secret-value"', 'super-secret-value'],
  ['env fallback', 'os.getenv("SERVICE_JWT_SECRET", "dev-service-secret")', 'dev-service-secret'],
  ['JS env fallback', "process.env.SESSION_SECRET || 'session-dev-value'", 'session-dev-value'],
  ['YAML value', 'password: Tr0ub4dor3x', 'Tr0ub4dor3x'],
  ['.env line', 'STRIPE_API_KEY=rk9Q2mZx7LpW4vBn', 'rk9Q2mZx7LpW4vBn'],
  ['Basic credentials', 'Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'YWxhZGRpbjpvcGVuc2VzYW1l'],
];

describe('maskSecrets', () => {
  it.each(SECRETS)('masks %s, keeping at most a short prefix', (_label, text, secret) => {
    const masked = maskSecrets(text);
    expect(masked).toMatch(/\*{4}/);
    expect(masked).not.toContain(secret.slice(4));
    expect(masked).not.toContain(secret.slice(-6));
  });

  it('hides everything but the prefix', () => {
    expect(maskSecrets('key sk_live_4eC39HqLyjWDarjtT1zdp7dc here')).toBe('key sk_live_4eC3******** here');
    expect(maskSecrets('https://bot:r3fPassw0rdQ@schemas.example.com/item.yaml#/Item')).toBe('https://bot:r3f********@schemas.example.com/item.yaml#/Item');
    expect(maskSecrets('password = "correct horse battery"')).toBe('password = "corr********"');
  });

  it.each([
    ['a reset URL', 'password_reset_url = "https://example.com/reset"'],
    ['a token endpoint path', 'GET /api/tokens/{id}'],
    ['a token type', 'token_type: "bearer"'],
    ['a header name', 'api_key_header = "X-API-Key"'],
    ['a commit SHA in prose', 'Fixed in 3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39 (see CHANGELOG).'],
    ['a schema type', 'password:\n  type: string\n  format: password'],
    ['an environment reference', 'secret: process.env.JWT_SECRET,'],
    ['a placeholder', 'password: ${DB_PASSWORD}'],
    ['a URL placeholder', 'postgres://app:${DB_PASSWORD}@db:5432/app'],
    ['a URL with a port', 'http://localhost:8080/api/v1/users?page=2'],
    ['a manifest version', '"jsonwebtoken": "^9.0.2"'],
    ['a fetch option', "fetch(url, { credentials: 'include' })"],
    ['a grant type pair', 'data={"grant_type": "refresh_token", "refresh_token": refresh_token}'],
    ['a validation message', "body('password', 'Password must be 8 to 64 characters').isLength({ min: 8 })"],
    ['a concatenated query', "'/login?user=' + user + '&password=' + password"],
    ['prose about schemes', 'Retire the Basic credentials and use Bearer authentication; Token verification must pin algorithms.'],
    ['a type annotation', 'def verify(credentials: HTTPAuthorizationCredentials = Depends(bearer)):'],
    ['a key prefix alone', 'Stripe keys start with sk_live_ or sk_test_.'],
    ['a word that contains a prefix', 'task_test_runner and desk_live_view'],
  ])('leaves %s alone', (_label, text) => {
    expect(maskSecrets(text)).toBe(text);
  });

  it('is idempotent', () => {
    for (const [, text] of SECRETS) {
      const once = maskSecrets(text);
      expect(maskSecrets(once)).toBe(once);
    }
  });

  it('leaves every check title, message, rationale and remediation unchanged', () => {
    for (const check of allChecks) {
      for (const text of [check.title, check.rationale, check.remediation, ...Object.values<string>(check.messages)]) {
        expect(maskSecrets(text), check.id).toBe(text);
      }
    }
  });

  it('masks values the analysis proved secret: quoted when short, everywhere when random', () => {
    const known = knownSecrets(['secret', 'Zq9vK2mXw8Rt4LpN7sYb', 'ab']);
    expect(maskSecrets("jwt.sign(payload, 'secret')", known)).toBe("jwt.sign(payload, 's*****')");
    expect(maskSecrets('a hard-coded secret', known)).toBe('a hard-coded secret');
    expect(maskSecrets('key Zq9vK2mXw8Rt4LpN7sYb used', known)).toBe('key Zq******** used');
    expect(maskSecrets('jwt.verify(t, "ab")', known)).toBe('jwt.verify(t, "ab")');
  });

  it('runs in linear time on hostile text', () => {
    // Each of these was quadratic or worse with naive patterns; 200 KB must stay instant.
    for (const text of ['eyJ'.repeat(70_000), 'a=a'.repeat(70_000), 'token'.repeat(40_000), '://a:'.repeat(40_000), '-----BEGIN PRIVATE KEY-----'.repeat(8000)]) {
      expect(maskSecrets(text).length).toBeGreaterThan(0);
    }
  });
});

describe('maskDeep and maskResult', () => {
  it('masks every string of a structure, keys included, without touching other values', () => {
    const value = { path: '/hooks/sk_live_4eC39HqLyjWDarjtT1zdp7dc', n: 3, ok: true, list: ['ghp_R4nd0mT0k3nV4lu3H3r3abcdefghijkl'], nested: { 'sk_live_4eC39HqLyjWDarjtT1zdp7dc': null } };
    expect(maskDeep(value)).toEqual({ path: '/hooks/sk_live_4eC3********', n: 3, ok: true, list: ['ghp_R4nd********'], nested: { 'sk_live_4eC3********': null } });
  });

  it('masks a result once and returns the masked form for the masked result', () => {
    const result = { name: 'x', findings: [{ message: 'Uses sk_live_4eC39HqLyjWDarjtT1zdp7dc.' }] };
    const masked = maskResult(result);
    expect(masked.findings[0]?.message).toBe('Uses sk_live_4eC3********.');
    expect(maskResult(result)).toBe(masked);
    expect(maskResult(masked)).toBe(masked);
    expect(result.findings[0]?.message).toContain('dp7dc');
  });
});

describe('CLI errors', () => {
  it('mask what they quote', () => {
    const text = formatError(new Error('Cannot read https://bot:r3fPassw0rdQ@schemas.example.com/x.yaml'), { attempted: 'read sk_live_4eC39HqLyjWDarjtT1zdp7dc' }, {});
    expect(text).not.toContain('Passw0rdQ');
    expect(text).not.toContain('dp7dc');
  });
});

describe('maskDeep with hostile keys', () => {
  it('keeps a __proto__ key as a plain key and never changes the copy\'s prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "x", "token": "sk_live_4eC39HqLyjWDarjtT1zdp7dc"}') as Record<string, unknown>;
    const masked = maskDeep(hostile);
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(Object.keys(masked)).toEqual(['__proto__', 'constructor', 'token']);
    expect((masked as { polluted?: string }).polluted).toBeUndefined();
    expect(JSON.stringify(masked)).not.toContain('4eC39HqLyjWDarjtT1zdp7dc');
  });
});
