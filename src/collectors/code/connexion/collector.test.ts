import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProjectInfo, SourceFile, SpecDocument } from '../../../engine/context.js';
import { analyse } from '../../../index.js';
import { parse } from '../../../parsing/parser.js';
import { loadSpec } from '../../spec/openapi-loader.js';
import { connexionCollector } from './collector.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');

async function drift(root: string): Promise<string[]> {
  const analysis = await analyse({ root, today: '2026-06-01', experimental: true });
  try {
    return analysis.findings
      .filter((finding) => finding.checkId === 'zombie-endpoint' || finding.checkId === 'shadow-endpoint')
      .map((finding) => `${finding.checkId} ${finding.location.file}:${finding.location.line}`)
      .sort();
  } finally {
    analysis.dispose();
  }
}

describe('connexion routes merged with their spec', () => {
  it('leaves only the operation whose handler is missing as a zombie, and no shadow', async () => {
    expect(await drift(path.join(FIXTURES, 'pet-clinic'))).toEqual(['zombie-endpoint openapi/clinic.yaml:101']);
    expect(await drift(path.join(FIXTURES, 'warehouse-resty'))).toEqual(['zombie-endpoint warehouse/spec/warehouse.yaml:79']);
    // One spec served under two base paths from a settings loop, loaded from its generated JSON copy.
    expect(await drift(path.join(FIXTURES, 'stock-config-loop'))).toEqual([]);
  });
});

async function collect(files: Record<string, string>): Promise<string[]> {
  const sources: SourceFile[] = [];
  const specs: SpecDocument[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (file.endsWith('.yaml')) {
      const { spec } = loadSpec(file, text, () => undefined);
      if (spec) specs.push(spec);
    } else if (file.endsWith('.py')) {
      const tree = await parse('python', text);
      if (tree) sources.push({ file, language: 'python', text, tree });
    }
  }
  const project: ProjectInfo = { root: '.', languages: ['python'], frameworks: [], dependencies: { pypi: ['connexion'] } };
  try {
    return connexionCollector
      .collect(sources, project, specs)
      .endpoints.map((endpoint) => {
        const at = endpoint.sources[0]?.location;
        return `${endpoint.method} ${endpoint.path} ${endpoint.auth.state} ${endpoint.auth.mechanisms.join(',')} ${at?.file ?? ''}:${at?.line ?? 0}`;
      })
      .sort();
  } finally {
    for (const source of sources) source.tree.delete();
  }
}

const SPEC = `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers:
  - url: "https://{host}/{base}"
    variables:
      host: { default: shop.example.com }
      base: { default: shop }
paths:
  /orders/{orderId}/lines:
    get:
      security: [{ token: [] }]
      responses: { "200": { description: ok } }
  /health:
    get:
      operationId: shop_health.probes.live
      security: [{ remote: [] }]
      responses: { "200": { description: ok } }
components:
  securitySchemes:
    token:
      type: http
      scheme: bearer
      x-bearerInfoFunc: shop.auth.verify
    remote:
      type: oauth2
      flows: { clientCredentials: { tokenUrl: https://idp/token, scopes: {} } }
      x-tokenInfoUrl: https://idp/introspect
`;

describe('connexion collector', () => {
  it('names nested resources as connexion 3 does, and keeps handlers it cannot follow unknown', async () => {
    const found = await collect({
      'shop/__init__.py': '',
      'shop/app.py': 'import connexion\nfrom connexion.resolver import RestyResolver\n\napp = connexion.AsyncApp(__name__, specification_dir="../api")\napp.add_api("shop.yaml", resolver=RestyResolver("shop.api"))\n',
      'shop/auth.py': 'import jwt\n\n\ndef verify(token):\n    return jwt.decode(token, "k", algorithms=["HS256"])\n',
      'shop/api/__init__.py': '',
      'shop/api/orders/__init__.py': '',
      'shop/api/orders/lines.py': 'def search(orderId):\n    return [], 200\n',
      'api/shop.yaml': SPEC,
    });
    expect(found).toEqual([
      'GET /shop/health unknown unknown shop/app.py:5',
      'GET /shop/openapi.json public none shop/app.py:5',
      'GET /shop/orders/{orderId}/lines protected jwt shop/api/orders/lines.py:1',
      'GET /shop/ui/ public none shop/app.py:5',
    ]);
  });

  it('does not follow custom resolvers', async () => {
    const found = await collect({
      'app.py': 'import connexion\nfrom shop.routing import ShopResolver\n\napp = connexion.FlaskApp(__name__)\napp.add_api("shop.yaml", resolver=ShopResolver())\n',
      'shop/__init__.py': '',
      'shop/auth.py': 'import jwt\n\n\ndef verify(token):\n    return jwt.decode(token, "k", algorithms=["HS256"])\n',
      'shop.yaml': SPEC,
    });
    expect(found).toEqual([
      'GET /shop/health unknown unknown app.py:5',
      'GET /shop/openapi.json public none app.py:5',
      'GET /shop/orders/{orderId}/lines unknown unknown app.py:5',
      'GET /shop/ui/ public none app.py:5',
    ]);
  });
});
