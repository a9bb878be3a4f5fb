import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allChecks } from '../checks/index.js';
import { audit } from '../index.js';
import type { AuditResult } from '../engine/result.js';
import { sampleEndpoint, sampleFinding } from '../report/sample.js';
import { CHECKLIST_CHECKS, evaluateChecklist, type ChecklistInput, type ChecklistItem } from './checklist.js';

const SEED_ITEMS = [
  'All endpoints require authentication (unless explicitly public)',
  'API keys are in headers, not URLs',
  'JWTs use RS256 with short expiry',
  'OAuth 2.0 with PKCE for public clients',
  'Token rotation implemented',
  'Ownership check on every data access (BOLA prevention)',
  'Role check on every privileged operation',
  'Mass assignment protection (explicit field allowlists)',
  'Response schemas filter sensitive fields',
  'Schema validation on all inputs',
  'Size limits on all fields, arrays, and files',
  'Parameterized queries (no string concatenation)',
  'Generic error messages (no stack traces)',
  'HTTPS everywhere (TLS 1.2+)',
  'Security headers set',
  'CORS explicitly configured',
  'HSTS enabled',
  'Rate limiting per user/IP',
  'Request logging with correlation IDs',
  'Webhook signatures verified',
  'Idempotency keys for mutations',
  'Dependencies scanned for CVEs',
];

function input(overrides: Partial<ChecklistInput> = {}): ChecklistInput {
  return {
    findings: [],
    inventory: { apis: [], endpoints: [] },
    ran: new Set(allChecks.map((check) => check.id)),
    evidence: { scanning: { pipelines: [], scanners: [] }, accessTokens: [], correlationIds: [], hsts: [], oauthClients: [], revocation: [], tokens: { rotation: [], revocation: [], undecided: [] }, apiKeys: { stores: [], prefixes: [] } },
    maxAccessTokenSeconds: 900,
    ...overrides,
  };
}

function item(items: readonly ChecklistItem[], name: string): ChecklistItem {
  const found = items.find((entry) => entry.item === name);
  if (!found) throw new Error(`no checklist item ${name}`);
  return found;
}

describe('seed 003 checklist', () => {
  it("has every item of the seed's checklist, in its order, and refers only to checks of the catalogue", () => {
    const names = evaluateChecklist(input()).map((entry) => entry.item);
    expect(names.filter((name) => SEED_ITEMS.includes(name))).toEqual(SEED_ITEMS);
    const ids = new Set(allChecks.map((check) => check.id));
    expect(CHECKLIST_CHECKS.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('is never ✓ for want of findings: with nothing found and no evidence every item is unknown', () => {
    const items = evaluateChecklist(input());
    expect(items.map((entry) => entry.status)).toEqual(items.map(() => 'unknown'));
    expect(item(items, 'Parameterized queries (no string concatenation)').reason).toBe('No evidence either way (its 3 checks found nothing).');
    expect(item(items, 'Generic error messages (no stack traces)').reason).toContain('its 2 checks found nothing');
  });

  it('says which checks did not run when an item is unknown', () => {
    const ran = new Set(allChecks.filter((check) => check.id !== 'verbose-error-response').map((check) => check.id));
    expect(item(evaluateChecklist(input({ ran })), 'Generic error messages (no stack traces)').reason).toBe('No evidence either way (its check found nothing; not run: `verbose-error-response`).');
  });

  it('is ✗ on the finding that shows the practice is missing, naming it', () => {
    const findings = [
      sampleFinding({ checkId: 'sql-injection', message: '`db.query` builds SQL from `req.query.sort`.', location: { file: 'src/db.js', line: 7 } }),
      sampleFinding({ checkId: 'sql-injection', message: 'Another.', location: { file: 'src/db.js', line: 9 } }),
    ];
    const entry = item(evaluateChecklist(input({ findings })), 'Parameterized queries (no string concatenation)');
    expect(entry).toMatchObject({ status: 'fail', findings: ['sql-injection'] });
    expect(entry.reason).toBe('`db.query` builds SQL from `req.query.sort` (src/db.js:7), and 1 more finding.');
  });

  it('decides authentication from the inventory: ✓ only when every endpoint is protected or declared public', () => {
    const name = 'All endpoints require authentication (unless explicitly public)';
    const protectedOnes = [sampleEndpoint({ method: 'GET', path: '/a' }), sampleEndpoint({ method: 'GET', path: '/health', auth: { state: 'public', mechanisms: ['none'] } })];
    expect(item(evaluateChecklist(input({ inventory: { apis: [], endpoints: protectedOnes } })), name)).toMatchObject({ status: 'pass' });
    const unknown = [...protectedOnes, sampleEndpoint({ method: 'POST', path: '/b', auth: { state: 'unknown', mechanisms: ['unknown'] } })];
    expect(item(evaluateChecklist(input({ inventory: { apis: [], endpoints: unknown } })), name)).toMatchObject({ status: 'unknown' });
    const open = [...unknown, sampleEndpoint({ method: 'DELETE', path: '/c', auth: { state: 'unprotected', mechanisms: ['none'] } })];
    const failing = item(evaluateChecklist(input({ inventory: { apis: [], endpoints: open } })), name);
    expect(failing.status).toBe('fail');
    expect(failing.reason).toContain('DELETE /c');
  });

  it('compares access-token lifetimes with the configurable threshold (seed: 15 minutes)', () => {
    const name = 'JWTs use RS256 with short expiry';
    const issued = { file: 'src/auth.js', line: 12, call: 'jwt.sign', seconds: 3600 };
    const accessTokens = [issued];
    const evidence = { ...input().evidence, accessTokens };
    const strict = item(evaluateChecklist(input({ evidence })), name);
    expect(strict.status).toBe('fail');
    expect(strict.reason).toBe('Access tokens outlive the 15 min threshold: `jwt.sign` at src/auth.js:12 (1 h).');
    // Within a one-hour threshold the lifetime is fine, but the algorithm is not written: still not a ✓.
    expect(item(evaluateChecklist(input({ evidence, maxAccessTokenSeconds: 3600 })), name).status).toBe('unknown');
    const hs256 = { ...input().evidence, accessTokens: [{ ...issued, algorithm: 'HS256' }] };
    expect(item(evaluateChecklist(input({ evidence: hs256, maxAccessTokenSeconds: 3600 })), name)).toMatchObject({ status: 'fail', reason: expect.stringContaining('(HS256)') as unknown });
    const rs256 = { ...input().evidence, accessTokens: [{ ...issued, algorithm: 'RS256' }] };
    expect(item(evaluateChecklist(input({ evidence: rs256, maxAccessTokenSeconds: 3600 })), name).status).toBe('pass');
    const never = { ...input().evidence, accessTokens: [{ file: 'src/auth.py', line: 3, call: 'jwt.encode', neverExpires: true }] };
    expect(item(evaluateChecklist(input({ evidence: never, maxAccessTokenSeconds: 86400 })), name).reason).toContain('(no expiry)');
  });

  it('is ✗ on an experimental check that ran only as evidence, citing where and saying it is not a listed finding', () => {
    const name = 'Generic error messages (no stack traces)';
    const stack = sampleFinding({ checkId: 'verbose-error-response', message: '`err.stack` sends the stack trace of `err` to the client.', location: { file: 'src/app.js', line: 31 }, evidence: { snippet: 'res.status(500).json({ stack: err.stack })' } });
    const entry = item(evaluateChecklist(input({ experimentalFindings: [stack] })), name);
    expect(entry).toMatchObject({ status: 'fail', experimental: ['verbose-error-response'], evidence: [{ location: { file: 'src/app.js', line: 31 }, snippet: 'res.status(500).json({ stack: err.stack })' }] });
    expect(entry.findings).toBeUndefined();
    expect(entry.reason).toBe(
      '`err.stack` sends the stack trace of `err` to the client (src/app.js:31). Found by the experimental check `verbose-error-response`, not listed among the findings (`--experimental` lists it).',
    );
    // A finding of the report decides first, and is the one named.
    const reported = sampleFinding({ checkId: 'debug-mode-enabled', message: 'Debug mode is on.', location: { file: 'settings.py', line: 4 } });
    expect(item(evaluateChecklist(input({ findings: [reported], experimentalFindings: [stack] })), name)).toMatchObject({ status: 'fail', findings: ['debug-mode-enabled'], reason: 'Debug mode is on (settings.py:4).' });
    // Findings of other items' checks decide nothing here.
    const other = sampleFinding({ checkId: 'string-length-unbounded', location: { file: 'openapi.yaml', line: 9 } });
    expect(item(evaluateChecklist(input({ experimentalFindings: [other] })), name).status).toBe('unknown');
  });

  it('lets an experimental finding decide as a reported one would, so the checklist reads the same with --experimental', () => {
    const ids = [{ location: { file: 'src/app.js', line: 9 }, snippet: "res.set('X-Request-Id', req.id)", detail: 'sets the `X-Request-Id` response header' }];
    const evidence = { ...input().evidence, correlationIds: ids };
    const name = 'Request logging with correlation IDs';
    const morgan = sampleFinding({ checkId: 'request-logging-without-correlation-id', message: "`morgan('combined')` logs requests without their id.", location: { file: 'src/app.js', line: 12 } });
    expect(item(evaluateChecklist(input({ evidence })), name).status).toBe('pass');
    const silent = item(evaluateChecklist(input({ evidence, experimentalFindings: [morgan] })), name);
    const reported = item(evaluateChecklist(input({ evidence, findings: [morgan] })), name);
    expect(silent).toMatchObject({ status: 'fail', experimental: ['request-logging-without-correlation-id'], evidence: [{ location: { file: 'src/app.js', line: 12 } }] });
    expect(reported).toMatchObject({ status: 'fail', findings: ['request-logging-without-correlation-id'] });
    expect(silent.reason.startsWith(reported.reason)).toBe(true);
  });
});

describe('seed 003 checklist on a project, through audit()', () => {
  let root: string;
  let result: AuditResult;
  const put = async (file: string, text: string): Promise<void> => {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), text);
  };
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'apisec-checklist-'));
    await put('package.json', '{"name":"accounts","dependencies":{"express":"^4.19.2","jsonwebtoken":"^9.0.2","cls-rtracer":"^2.6.3","passport":"^0.7.0","passport-google-oauth20":"^2.0.0"}}\n');
    await put(
      '.github/workflows/ci.yml',
      'name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: |\n          npm test\n          npm audit --audit-level=high\n',
    );
    await put(
      'src/app.js',
      [
        "const express = require('express');",
        "const rTracer = require('cls-rtracer');",
        "const jwt = require('jsonwebtoken');",
        "const passport = require('passport');",
        "const GoogleStrategy = require('passport-google-oauth20').Strategy;",
        '',
        'const app = express();',
        'app.use(rTracer.expressMiddleware());',
        'passport.use(new GoogleStrategy({ clientID: process.env.ID, clientSecret: process.env.SECRET, callbackURL: "/cb", state: true, pkce: true }, (a, r, p, done) => done(null, p)));',
        '',
        "app.post('/login', (req, res) => {",
        "  const token = jwt.sign({ sub: req.body.user }, process.env.JWT_KEY, { algorithm: 'RS256', expiresIn: '10m' });",
        '  res.json({ token });',
        '});',
        'module.exports = app;',
        '',
      ].join('\n'),
    );
    result = await audit({ root, name: 'accounts', today: '2026-06-01' });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is ✓ where the code and CI show the practice, with where', () => {
    const items = result.checklist ?? [];
    const scanned = item(items, 'Dependencies scanned for CVEs');
    expect(scanned.status).toBe('pass');
    expect(scanned.evidence).toEqual([{ location: { file: '.github/workflows/ci.yml', line: 11 }, snippet: 'npm audit --audit-level=high' }]);
    const logging = item(items, 'Request logging with correlation IDs');
    expect(logging.status).toBe('pass');
    expect(logging.evidence?.[0]?.location).toMatchObject({ file: 'src/app.js', line: 8 });
    expect(item(items, 'OAuth 2.0 with PKCE for public clients')).toMatchObject({ status: 'pass', evidence: [{ location: { file: 'src/app.js', line: 9 } }] });
    const jwtItem = item(items, 'JWTs use RS256 with short expiry');
    expect(jwtItem.status).toBe('pass');
    expect(jwtItem.reason).toBe('Every access token the code issues is signed with an asymmetric algorithm and expires within 15 min (src/app.js:12, 10 min, RS256).');
    // Tokens are issued and no route refreshes or revokes them: a lead, not a verdict.
    const rotation = item(items, 'Token rotation implemented');
    expect(rotation.status).toBe('unknown');
    expect(rotation.reason).toContain('The code issues tokens (`jwt.sign` at src/app.js:12) and no route named for refresh, revocation or logout was found');
  });

  it('honours accessTokenLifetime from the config', async () => {
    await put('apisec.config.yaml', 'accessTokenLifetime: 5m\n');
    try {
      const strict = await audit({ root, name: 'accounts', today: '2026-06-01' });
      const jwtItem = item(strict.checklist ?? [], 'JWTs use RS256 with short expiry');
      expect(jwtItem.status).toBe('fail');
      expect(jwtItem.reason).toBe('Access tokens outlive the 5 min threshold: `jwt.sign` at src/app.js:12 (10 min).');
    } finally {
      await rm(join(root, 'apisec.config.yaml'));
    }
  });
});

/** Checklist items decided on the checks' own fixtures: each file alone, the way a project would show the practice. */
const FIXTURE_DECISIONS: { file: string; item: string; status: ChecklistItem['status']; line?: number }[] = [
  { file: 'src/checks/request-logging-without-correlation-id/fixtures/express-pino-genreqid.js', item: 'Request logging with correlation IDs', status: 'pass', line: 9 },
  { file: 'src/checks/request-logging-without-correlation-id/fixtures/winston-child-logger.ts', item: 'Request logging with correlation IDs', status: 'pass', line: 18 },
  { file: 'src/checks/request-logging-without-correlation-id/fixtures/structlog_middleware.py', item: 'Request logging with correlation IDs', status: 'pass', line: 23 },
  { file: 'src/checks/request-logging-without-correlation-id/fixtures/flask_request_id.py', item: 'Request logging with correlation IDs', status: 'pass', line: 23 },
  { file: 'src/checks/request-logging-without-correlation-id/fixtures/flask_threadlocal_request_id.py', item: 'Request logging with correlation IDs', status: 'pass', line: 26 },
  { file: 'src/checks/request-logging-without-correlation-id/fixtures/flask_user_context.py', item: 'Request logging with correlation IDs', status: 'unknown' },
  { file: 'src/checks/request-logging-without-correlation-id/fixtures/express-morgan.js', item: 'Request logging with correlation IDs', status: 'fail' },
  { file: 'src/checks/oauth-authorization-code-without-pkce/fixtures/oidc-v6.ts', item: 'OAuth 2.0 with PKCE for public clients', status: 'fail' },
  { file: 'src/checks/oauth-authorization-code-without-pkce/fixtures/requests_oauth_session.py', item: 'OAuth 2.0 with PKCE for public clients', status: 'fail' },
  { file: 'src/checks/api-key-without-scope/fixtures/django_api_keys.py', item: 'API keys prefixed, stored hashed, scoped and per environment', status: 'pass', line: 12 },
  { file: 'src/checks/api-key-without-scope/fixtures/sqlalchemy_tokens.py', item: 'API keys prefixed, stored hashed, scoped and per environment', status: 'fail' },
  { file: 'src/checks/api-key-without-scope/fixtures/prisma-keys/', item: 'API keys prefixed, stored hashed, scoped and per environment', status: 'fail' },
  { file: 'src/checks/api-key-stored-in-plaintext/fixtures/express-prisma.ts', item: 'API keys prefixed, stored hashed, scoped and per environment', status: 'fail' },
  { file: 'src/checks/request-logging-without-correlation-id/fixtures/koa-app.ts', item: 'API keys prefixed, stored hashed, scoped and per environment', status: 'unknown' },
  { file: 'src/checks/token-revocation-missing/fixtures/express-refresh-rotation.ts', item: 'Token rotation implemented', status: 'pass', line: 28 },
  { file: 'src/checks/token-revocation-missing/fixtures/django-simplejwt-blacklist/', item: 'Token rotation implemented', status: 'pass', line: 23 },
  { file: 'src/checks/token-revocation-missing/fixtures/django-simplejwt/', item: 'Token rotation implemented', status: 'fail' },
  { file: 'src/checks/token-revocation-missing/fixtures/fastapi_refresh.py', item: 'Token rotation implemented', status: 'fail' },
  { file: 'src/checks/token-revocation-missing/fixtures/express-jwt-cookies.js', item: 'Token rotation implemented', status: 'fail' },
];

describe('seed 003 checklist on the fixtures that show each practice', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'apisec-checklist-fixtures-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });
  for (const entry of FIXTURE_DECISIONS) {
    it(`${entry.item}: ${entry.status} on ${entry.file.split('/').slice(-3).join('/')}`, async () => {
      const project = entry.file.endsWith('/');
      const root = project ? entry.file : await mkdtemp(join(scratch, 'f-'));
      const name = entry.file.split('/').at(-1) ?? 'file';
      if (!project) await writeFile(join(root, name), await readFile(entry.file, 'utf8'));
      const result = await audit({ root, name: 'fixture', today: '2026-06-01' });
      const decided = item(result.checklist ?? [], entry.item);
      expect({ status: decided.status, reason: decided.reason }).toMatchObject({ status: entry.status });
      if (entry.line !== undefined) expect(decided.evidence?.[0]?.location).toMatchObject({ ...(project ? {} : { file: name }), line: entry.line });
    });
  }
});

/** HSTS, as projects turn it on (and off): each spelling audited alone. */
const HSTS_SPELLINGS: { name: string; file: string; text: string; status: ChecklistItem['status']; line?: number }[] = [
  { name: 'helmet() with its defaults', file: 'app.js', status: 'pass', line: 4, text: "const express = require('express');\nconst helmet = require('helmet');\nconst app = express();\napp.use(helmet());\nmodule.exports = app;\n" },
  {
    name: 'helmet({ strictTransportSecurity: { maxAge } }) (ESM)',
    file: 'app.mjs',
    status: 'pass',
    line: 5,
    text: "import express from 'express';\nimport helmet from 'helmet';\n\nconst app = express();\napp.use(helmet({ contentSecurityPolicy: false, strictTransportSecurity: { maxAge: 63072000, preload: true } }));\nexport default app;\n",
  },
  { name: 'helmet.hsts() on its own', file: 'server.ts', status: 'pass', line: 4, text: "import express from 'express';\nimport helmet from 'helmet';\nconst app = express();\napp.use(helmet.hsts({ maxAge: 31536000, includeSubDomains: true }));\n" },
  { name: 'Fastify helmet plugin', file: 'server.js', status: 'pass', line: 3, text: "const fastify = require('fastify')({ logger: false });\n\nfastify.register(require('@fastify/helmet'), { global: true });\n" },
  {
    name: 'the header set by hand',
    file: 'hsts.js',
    status: 'pass',
    line: 2,
    text: "module.exports = function hsts(req, res, next) {\n  res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');\n  next();\n};\n",
  },
  { name: 'Django settings', file: 'settings.py', status: 'pass', line: 2, text: 'SECURE_SSL_REDIRECT = True\nSECURE_HSTS_SECONDS = 31_536_000\nSECURE_HSTS_INCLUDE_SUBDOMAINS = True\n' },
  { name: 'Flask-Talisman', file: 'app.py', status: 'pass', line: 5, text: 'from flask import Flask\nfrom flask_talisman import Talisman\n\napp = Flask(__name__)\nTalisman(app, content_security_policy=None)\n' },
  // ok: look-alikes that do not send HSTS.
  { name: 'helmet({ hsts: false })', file: 'app.js', status: 'unknown', text: "const helmet = require('helmet');\nconst app = require('express')();\napp.use(helmet({ hsts: false }));\n" },
  { name: 'helmet.hsts({ maxAge: 0 })', file: 'app.js', status: 'unknown', text: "const helmet = require('helmet');\nconst app = require('express')();\napp.use(helmet.hsts({ maxAge: 0 }));\n" },
  { name: 'max-age=0 set by hand', file: 'app.js', status: 'unknown', text: "const app = require('express')();\napp.use((req, res, next) => {\n  res.set('Strict-Transport-Security', 'max-age=0');\n  next();\n});\n" },
  { name: 'SECURE_HSTS_SECONDS = 0', file: 'settings.py', status: 'unknown', text: 'SECURE_HSTS_SECONDS = 0\n' },
  { name: 'Talisman with HSTS off', file: 'app.py', status: 'unknown', text: 'from flask import Flask\nfrom flask_talisman import Talisman\n\napp = Flask(__name__)\nTalisman(app, strict_transport_security=False)\n' },
];

describe('seed 003 checklist: HSTS enabled', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'apisec-checklist-hsts-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });
  for (const entry of HSTS_SPELLINGS) {
    it(`${entry.status} on ${entry.name}`, async () => {
      const root = await mkdtemp(join(scratch, 'p-'));
      await writeFile(join(root, entry.file), entry.text);
      const result = await audit({ root, name: 'fixture', today: '2026-06-01' });
      const decided = item(result.checklist ?? [], 'HSTS enabled');
      expect({ status: decided.status, reason: decided.reason }).toMatchObject({ status: entry.status });
      if (entry.line !== undefined) expect(decided.evidence?.[0]?.location).toMatchObject({ file: entry.file, line: entry.line });
    });
  }
});

/** API keys kept by projects without an ORM: the tables their migrations create. */
const KEY_MIGRATIONS: { name: string; file: string; text: string; later?: { file: string; text: string }; status: ChecklistItem['status']; reason?: string }[] = [
  {
    name: 'knex migration, digest and scopes',
    file: '20240312101500_api_keys.js',
    status: 'pass',
    reason: '`api_keys` (digest `key_hash`, scope `scopes`, prefix `key_prefix`, environment `livemode`)',
    text: [
      'exports.up = (knex) =>',
      "  knex.schema.createTable('api_keys', (table) => {",
      "    table.increments('id');",
      "    table.integer('account_id').notNullable().references('accounts.id');",
      "    table.string('key_prefix', 12).notNullable();",
      "    table.string('key_hash', 64).notNullable().unique();",
      "    table.specificType('scopes', 'text[]').notNullable();",
      "    table.boolean('livemode').notNullable().defaultTo(false);",
      "    table.timestamp('revoked_at');",
      '  });',
      '',
      "exports.down = (knex) => knex.schema.dropTable('api_keys');",
      '',
    ].join('\n'),
  },
  {
    name: 'node-pg-migrate, digest and permissions',
    file: '1717171717171_personal-access-tokens.js',
    status: 'pass',
    reason: '`personal_access_tokens` (digest `token_digest`, scope `permissions`)',
    text: [
      '/** @param pgm {import("node-pg-migrate").MigrationBuilder} */',
      'exports.up = (pgm) => {',
      "  pgm.createTable('personal_access_tokens', {",
      "    id: 'id',",
      "    user_id: { type: 'integer', notNull: true, references: 'users', onDelete: 'CASCADE' },",
      "    token_digest: { type: 'char(64)', notNull: true, unique: true },",
      "    permissions: { type: 'text[]', notNull: true, default: pgm.func(\"'{}'\") },",
      "    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },",
      '  });',
      '};',
      '',
    ].join('\n'),
  },
  {
    name: 'knex migration (ESM), plaintext key and no scope',
    file: 'create_api_tokens.mjs',
    status: 'unknown',
    reason: '`api_tokens` at create_api_tokens.mjs:2 (no digest column or hashed lookup seen, no scope column)',
    text: "export async function up(knex) {\n  await knex.schema.createTable('api_tokens', (t) => {\n    t.uuid('id').primary();\n    t.string('token').notNullable();\n    t.string('name');\n  });\n}\n",
  },
  {
    name: 'knex, scopes added by a later migration (alterTable)',
    file: '20230101000000_create_api_keys.js',
    status: 'pass',
    reason: '`api_keys` (digest `token_hash`, scope `scopes`)',
    text: "exports.up = function (knex) {\n  return knex.schema.createTable('api_keys', function (table) {\n    table.increments();\n    table.string('token_hash').notNullable();\n  });\n};\n",
    later: { file: '20240101000000_api_key_scopes.js', text: "exports.up = (knex) => knex.schema.alterTable('api_keys', (table) => {\n  table.specificType('scopes', 'text[]');\n});\n" },
  },
  {
    name: 'a migration for another table',
    file: '001_sessions.js',
    status: 'unknown',
    reason: 'No model that stores API keys was found',
    text: "exports.up = (pgm) => {\n  pgm.createTable('sessions', { sid: { type: 'varchar', primaryKey: true }, sess: { type: 'json', notNull: true } });\n};\n",
  },
];

describe('seed 003 checklist: API keys in tables created by migrations', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'apisec-checklist-keys-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });
  for (const entry of KEY_MIGRATIONS) {
    it(`${entry.status} on ${entry.name}`, async () => {
      const root = await mkdtemp(join(scratch, 'p-'));
      await writeFile(join(root, entry.file), entry.text);
      if (entry.later) await writeFile(join(root, entry.later.file), entry.later.text);
      const result = await audit({ root, name: 'fixture', today: '2026-06-01' });
      const decided = item(result.checklist ?? [], 'API keys prefixed, stored hashed, scoped and per environment');
      expect(decided.status).toBe(entry.status);
      if (entry.reason !== undefined) expect(decided.reason).toContain(entry.reason);
    });
  }
});
