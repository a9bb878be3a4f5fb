import { describe, expect, it } from 'vitest';
import type { ProjectInfo, SourceFile } from '../../../engine/context.js';
import type { SourceLanguage } from '../../../parsing/languages.js';
import { parse } from '../../../parsing/parser.js';
import { jaxrsCollector } from '../jaxrs/collector.js';
import { ktorCollector } from '../ktor/collector.js';
import { micronautCollector } from '../micronaut/collector.js';
import { springCollector } from '../spring/collector.js';

const PROJECT: ProjectInfo = { root: '.', languages: ['java', 'kotlin'], frameworks: [], dependencies: {} };

async function source(file: string, language: SourceLanguage, text: string): Promise<SourceFile> {
  const tree = await parse(language, text);
  if (!tree) throw new Error(`cannot parse ${file}`);
  return { file, language, text, tree };
}

describe('JVM collectors on code they cannot resolve', () => {
  it('names the mapping whose path is not a constant, with file and line, and keeps the other routes', async () => {
    const java = await source(
      'src/main/java/a/Users.java',
      'java',
      [
        'package a;',
        'import org.springframework.web.bind.annotation.*;',
        '@RestController',
        '@RequestMapping("/users")',
        'class Users {',
        '  @GetMapping(Routes.computed())',
        '  String dynamic() { return ""; }',
        '  @GetMapping("/{id}")',
        '  String one() { return ""; }',
        '}',
      ].join('\n'),
    );
    try {
      const result = springCollector.collect([java], PROJECT);
      expect(result.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path} ${endpoint.auth.state}`)).toEqual(['GET /users/{id} unknown']);
      expect(result.diagnostics).toEqual([expect.objectContaining({ file: 'src/main/java/a/Users.java', line: 6, level: 'warning' })]);
      expect(result.diagnostics[0]?.message).toContain('not a constant');
    } finally {
      java.tree.delete();
    }
  });

  it('survives truncated and recursive code without a crash or an invented route', async () => {
    const files = await Promise.all([
      source('src/main/java/b/Broken.java', 'java', '@RestController @RequestMapping(value = {{{{ class Broken { @GetMapping("/x" void x( }'),
      source('src/main/java/b/Cycle.java', 'java', 'package b; class A extends B { static final String X = Y; } class B extends A { static final String Y = X; }\n@javax.ws.rs.Path(A.X) class R extends A {}\nimport javax.ws.rs.GET;'),
      source('src/main/kotlin/b/Loop.kt', 'kotlin', 'import io.ktor.server.routing.*\nfun Route.a() { b() }\nfun Route.b() { a(); get("/loop") { } }\nfun main() { routing { a() } }'),
      source('src/main/kotlin/b/Micro.kt', 'kotlin', 'import io.micronaut.http.annotation.*\n@Controller(Paths.MISSING)\nclass C { @Get fun x() = 1 }'),
    ]);
    try {
      for (const collector of [springCollector, jaxrsCollector, ktorCollector, micronautCollector]) {
        expect(() => collector.collect(files, PROJECT)).not.toThrow();
      }
      // The mutual recursion is walked once: one route, not an endless list.
      expect(ktorCollector.collect(files, PROJECT).endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`)).toEqual(['GET /loop']);
      expect(micronautCollector.collect(files, PROJECT).diagnostics.map((diagnostic) => diagnostic.line)).toEqual([2]);
    } finally {
      for (const file of files) file.tree.delete();
    }
  });
});
