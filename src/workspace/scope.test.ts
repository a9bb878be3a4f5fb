import { describe, expect, it } from 'vitest';
import { scopeReasonOfPath, scopeReasonOfText, scopeRules } from './scope.js';

describe('scopeReasonOfPath', () => {
  it.each([
    ['tests/test_views.py', 'test'],
    ['app/tests.py', 'test'],
    ['backend/app/tests/api/routes/test_items.py', 'test'],
    ['conftest.py', 'test'],
    ['users/test_models.py', 'test'],
    ['users/models_test.py', 'test'],
    ['src/users/users.service.spec.ts', 'test'],
    ['src/__tests__/routes.js', 'test'],
    ['test/e2e/app.e2e-spec.ts', 'test'],
    ['src/routes/auth.test.mjs', 'test'],
    ['spec/requests/users_spec.rb', 'test'],
    ['cypress/integration/login.js', 'test'],
    ['packages/eslint-plugin/fixtures/valid.js', 'test'],
    ['internal/handlers/users_test.go', 'test'],
    ['src/test/java/com/acme/UserControllerTest.java', 'test'],
    ['examples/express/app.js', 'example'],
    ['docs/snippets/server.py', 'docs'],
    ['docs_src/security/tutorial003.py', 'docs'],
    ['src/components/Button.stories.tsx', 'storybook'],
    ['.storybook/main.js', 'storybook'],
    ['src/stories/Button.tsx', 'storybook'],
    ['src/stories/Button.stories.ts', 'storybook'],
    ['third_party/jsonschema/validators.py', 'vendored'],
    ['dev/code-generation/gen_ts_locales.py', 'tooling'],
    ['mealie/scripts/healthcheck.py', 'tooling'],
    ['scripts/seed.ts', 'tooling'],
    ['tools/release.js', 'tooling'],
    ['public/js/jquery.min.js', 'minified'],
    ['static/app.bundle.js', 'minified'],
    ['proto/users_pb2.py', 'generated'],
    ['src/types/express.d.ts', 'generated'],
  ] as const)('%s is out of scope (%s)', (path, reason) => {
    expect(scopeReasonOfPath(path, 'source')).toBe(reason);
  });

  it.each([
    'app/api/routes/users.py',
    'src/routes/testimonials.js',
    'src/contest/controller.ts',
    'app/latest.py',
    'src/attestation/service.ts',
    'src/modules/docs-generator/controller.ts',
    'src/spec-loader.ts',
    'users/views.py',
    'src/dev/routes.ts',
    'app/tooling/views.py',
    'src/app/api/scripts/telemetry/route.ts',
    'app/api/test/route.js',
    'pages/api/examples/[id].ts',
    'src/routes/tools/+server.ts',
    'src/main/java/com/example/demo/web/UserController.java',
    'service/src/main/kotlin/org/acme/docs/DocsController.kt',
    'src/stories/stories.controller.ts',
    'src/stories/stories.service.js',
    'newsroom/stories/views.py',
  ])('%s stays in scope', (path) => {
    expect(scopeReasonOfPath(path, 'source')).toBeUndefined();
  });

  it('reads folders below src/main/java as packages, and still leaves JVM tests out', () => {
    expect(scopeReasonOfPath('src/test/java/com/example/demo/UserControllerTest.java', 'source')).toBe('test');
    expect(scopeReasonOfPath('examples/src/main/java/com/acme/App.java', 'source')).toBe('example');
  });

  it('keeps API documents in docs/ and spec/ folders but not in test folders', () => {
    expect(scopeReasonOfPath('docs/openapi.yaml', 'spec-candidate')).toBeUndefined();
    expect(scopeReasonOfPath('spec/openapi.yaml', 'spec-candidate')).toBeUndefined();
    expect(scopeReasonOfPath('tests/fixtures/openapi.yaml', 'spec-candidate')).toBe('test');
    expect(scopeReasonOfPath('examples/petstore.yaml', 'spec-candidate')).toBe('example');
  });
});

describe('scopeReasonOfText', () => {
  const ordinary = Array.from({ length: 60 }, (_, index) => `app.get('/items/${index}', (req, res) => res.json({ id: ${index} }));`).join('\n');

  it('keeps ordinary source, even with one long line of data', () => {
    expect(scopeReasonOfText(ordinary)).toBeUndefined();
    const withData = `${ordinary}\nconst LOGO = '${'A'.repeat(3000)}';\n${ordinary}`;
    expect(scopeReasonOfText(withData)).toBeUndefined();
  });

  it('recognises minified code by its line shape', () => {
    const minified = `!function(e,t){${'var n=e.exports={};n.get=function(r){return t(r)};'.repeat(400)}}(module,require);`;
    expect(scopeReasonOfText(minified)).toBe('minified');
    // Wrapped at about 200 columns, as some minifiers do, with its source map comment.
    const chunk = 'var a=function(b,c){return b+c},d=a(1,2),e={f:d,g:[1,2,3]},h=e.f?e.g.map(function(i){return i*2}):[];';
    const wrapped = Array.from({ length: 40 }, () => chunk + chunk).join('\n');
    expect(scopeReasonOfText(`${wrapped}\n//# sourceMappingURL=app.js.map`)).toBe('minified');
  });

  it('recognises minified code re-wrapped into short lines: nothing indented, hardly a space', () => {
    // A vendored standalone bundle: a licence banner, then minified code broken at about a hundred columns.
    const banner = '/**\n * @scalar/api-reference 1.44.20\n * License: https://github.com/scalar/scalar/blob/main/LICENSE\n**/\n\n';
    const code = '!function(){"use strict";try{if("undefined"!=typeof document){var a=document.createElement("style");a.appendChild(document.createTextNode(t))}}catch(e){console.error("vite-plugin-css-injected-by-js",e)}}();const Ln=Object.freeze({}),pt=(e,t)=>e.searchParams.set("response_type",t);';
    // Broken after a `;` or `,` once a line passes a hundred columns, as terser's max_line_len does.
    const lines: string[] = [];
    let line = '';
    for (const token of code.repeat(250).split(/(?<=[;,])/)) {
      line += token;
      if (line.length >= 100) {
        lines.push(line);
        line = '';
      }
    }
    const wrapped = lines.join('\n');
    expect(scopeReasonOfText(banner + wrapped)).toBe('minified');
    // Unindented top-level statements are written code: they keep their spaces.
    const constants = Array.from({ length: 600 }, (_, index) => `export const ERROR_CODE_${index} = 'E${index}'; // shown to API clients`).join('\n');
    expect(scopeReasonOfText(constants)).toBeUndefined();
    // Nor is a hostile file of bare brackets, one per line: too short to be wrapped code (it is parsed and reported as too deep).
    expect(scopeReasonOfText(`x = ${'(\n'.repeat(5000)}1${')\n'.repeat(5000)}`)).toBeUndefined();
    // Indented written code of the same length, whatever its spacing.
    const dense = Array.from({ length: 600 }, (_, index) => `\tif(a[${index}]){b(a[${index}])}`).join('\n');
    expect(scopeReasonOfText(dense)).toBeUndefined();
  });

  it('recognises bundles and generated files by their header', () => {
    expect(scopeReasonOfText('/******/ (() => { // webpackBootstrap\n/******/ \tvar __webpack_modules__ = ({});\n')).toBe('minified');
    expect(scopeReasonOfText('// Code generated by protoc-gen-go. DO NOT EDIT.\npackage users\n')).toBe('generated');
    expect(scopeReasonOfText('# Generated by Django 4.2.7 on 2024-01-05 10:00\nfrom django.db import migrations\n')).toBe('generated');
    expect(scopeReasonOfText('/* eslint-disable */\n// This file was automatically generated by openapi-typescript.\nexport interface paths {}\n')).toBe('generated');
    expect(scopeReasonOfText('"""Views that list generated reports."""\nfrom django.http import JsonResponse\n')).toBeUndefined();
  });
});

describe('scopeRules', () => {
  it('brings tests back with includeTests, and anything back with include patterns', () => {
    expect(scopeRules().ofPath('tests/test_api.py', 'source')).toBe('test');
    expect(scopeRules({ includeTests: true }).ofPath('tests/test_api.py', 'source')).toBeUndefined();
    expect(scopeRules({ includeTests: true }).ofPath('examples/app.py', 'source')).toBe('example');
    expect(scopeRules({ include: ['examples/'] }).ofPath('examples/app.py', 'source')).toBeUndefined();
    expect(scopeRules({ include: ['static/app.min.js'] }).mayExcludeByText('static/app.min.js')).toBe(false);
  });

  it('leaves out what exclude patterns name', () => {
    const rules = scopeRules({ exclude: ['legacy/**', '*.gen.py'] });
    expect(rules.ofPath('legacy/api/views.py', 'source')).toBe('excluded');
    expect(rules.ofPath('api/models.gen.py', 'source')).toBe('excluded');
    expect(rules.ofPath('api/views.py', 'source')).toBeUndefined();
  });
});
