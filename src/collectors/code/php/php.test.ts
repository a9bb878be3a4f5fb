import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceFile } from '../../../engine/context.js';
import { parse } from '../../../parsing/parser.js';
import { resourceActions } from '../laravel/collector.js';
import { singular } from '../laravel/inflect.js';
import { pathSegment } from '../symfony/api-platform.js';
import { parseYaml, readProjectFile } from './config-files.js';
import { docAnnotations, docStrings } from './docblock.js';
import { joinPath, normalisePath } from './endpoint.js';
import { PhpProject } from './project.js';

async function php(file: string, text: string): Promise<SourceFile> {
  const tree = await parse('php', text);
  if (!tree) throw new Error('parse failed');
  return { file, language: 'php', text, tree };
}

describe('docblock annotations', () => {
  it('reads Symfony route annotations with nested lists and maps', () => {
    const [route, method] = docAnnotations('/**\n * Lists.\n *\n * @Route("/api/items/{id}", name="item", methods={"GET", "PATCH"}, requirements={"id": "\\d+"})\n * @Method("GET")\n */');
    expect(route?.name).toBe('Route');
    expect(docStrings(route?.positional[0])).toEqual(['/api/items/{id}']);
    expect(docStrings(route?.named.get('methods'))).toEqual(['GET', 'PATCH']);
    expect(route?.lineOffset).toBe(3);
    expect(method?.name).toBe('Method');
  });

  it('ignores an @ inside a string and survives a broken annotation', () => {
    expect(docAnnotations('/** @Route("/x", name="mail@example") */').map((a) => a.name)).toEqual(['Route']);
    expect(docAnnotations('/** @Route("/x", methods={"GET" */')).toEqual([]);
  });
});

describe('Laravel resources', () => {
  it('registers the controller actions with singular parameters', () => {
    const actions = resourceActions('photos.comments', { api: true, singleton: false, parameters: new Map(), shallow: false, only: ['index', 'show'] });
    expect(actions.map((a) => `${a.methods.join('|')} ${a.uri}`)).toEqual(['GET photos/{photo}/comments', 'GET photos/{photo}/comments/{comment}']);
  });

  it('singularises resource names the way Str::singular does for common words', () => {
    expect(['categories', 'addresses', 'statuses', 'people', 'boxes', 'invoices', 'media'].map(singular)).toEqual(['category', 'address', 'status', 'person', 'box', 'invoice', 'media']);
  });
});

describe('paths', () => {
  it('joins prefixes and normalises placeholders of both frameworks', () => {
    expect(joinPath('/api/', 'v1', '/users/')).toBe('/api/v1/users');
    expect(normalisePath('/posts/{post:slug}/{page?}/{id<\\d+>}')).toBe('/posts/{post}/{page}/{id}');
    expect(pathSegment('BookReview', false)).toBe('book_reviews');
    expect(pathSegment('Category', true)).toBe('categories');
  });
});

describe('PhpProject', () => {
  it('resolves imports, group imports, aliases and class constants', async () => {
    const project = new PhpProject([
      await php('app/Consts.php', "<?php\nnamespace App;\nclass Paths { const BASE = 'v1'; const ITEMS = self::BASE . '/items'; }\n"),
      await php('routes/api.php', "<?php\nuse App\\{Paths as P};\nuse Illuminate\\Support\\Facades\\Route;\n$x = P::ITEMS;\n"),
    ]);
    const file = project.files.get('routes/api.php');
    if (!file) throw new Error('missing file');
    expect(project.resolveName(file, 'P')).toBe('App\\Paths');
    expect(project.resolveName(file, 'Route')).toBe('Illuminate\\Support\\Facades\\Route');
    const assignment = file.source.tree.rootNode.descendantsOfType('assignment_expression')[0];
    const right = assignment?.childForFieldName('right');
    expect(right ? project.evaluate(file, right) : undefined).toEqual({ kind: 'string', value: 'v1/items' });
  });
});

const scratch = mkdtempSync(path.join(os.tmpdir(), 'apisec-php-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('configuration files', () => {
  it('reads files inside the project only, never through a link that leaves it', () => {
    const root = path.join(scratch, 'app');
    mkdirSync(path.join(root, 'config'), { recursive: true });
    writeFileSync(path.join(root, 'config', 'routes.yaml'), 'a: 1\n');
    writeFileSync(path.join(scratch, 'secret.yaml'), 'b: 2\n');
    symlinkSync(path.join(scratch, 'secret.yaml'), path.join(root, 'config', 'escape.yaml'));
    expect(readProjectFile(root, 'config/routes.yaml')).toBe('a: 1\n');
    expect(readProjectFile(root, 'config/escape.yaml')).toBeUndefined();
    expect(readProjectFile(root, '../secret.yaml')).toBeUndefined();
  });

  it('parses Symfony YAML with custom tags and reports broken YAML', () => {
    const parsed = parseYaml('parameters:\n  max: !php/const App\\Limits::MAX\nfirewalls:\n  main: { lazy: true }\n');
    expect(parsed.root?.map?.get('firewalls')?.map?.get('main')?.keyLine).toBe(4);
    expect(parseYaml('a: [1, 2\n').error).toBeDefined();
  });
});

describe('Laravel rate limits', () => {
  it('reports throttle middleware with the named limiter it uses, and none where nothing throttles', async () => {
    const { laravelCollector } = await import('../laravel/collector.js');
    const sources = [
      await php(
        'app/Providers/RouteServiceProvider.php',
        "<?php\nnamespace App\\Providers;\nuse Illuminate\\Support\\Facades\\RateLimiter;\nuse Illuminate\\Support\\Facades\\Route;\nclass RouteServiceProvider {\n  public function boot(): void {\n    RateLimiter::for('uploads', fn ($r) => Limit::perMinute(5));\n    Route::prefix('api')->group(base_path('routes/api.php'));\n  }\n}\n",
      ),
      await php('routes/api.php', "<?php\nuse Illuminate\\Support\\Facades\\Route;\nRoute::post('/files', fn () => 1)->middleware('throttle:uploads');\nRoute::post('/login', fn () => 1)->middleware('throttle:5,1');\nRoute::get('/ping', fn () => 1);\n"),
    ];
    const project = { root: '/nowhere', languages: ['php' as const], frameworks: ['laravel'], dependencies: {} };
    const { endpoints } = laravelCollector.collect(sources, project);
    const limits = Object.fromEntries(endpoints.map((endpoint) => [`${endpoint.method} ${endpoint.path}`, endpoint.rateLimit?.limit ?? 'none']));
    expect(limits).toEqual({
      'POST /api/files': 'uploads (RateLimiter::for at app/Providers/RouteServiceProvider.php:7)',
      'POST /api/login': '5,1',
      'GET /api/ping': 'none',
    });
  });
});
