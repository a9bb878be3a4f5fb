import { describe, expect, it } from 'vitest';
import type { SourceFile } from '../../../engine/context.js';
import { parse } from '../../../parsing/parser.js';
import { goPath, joinPath } from './collect.js';
import { goProgram } from './program.js';
import { ginCollector } from '../gin/collector.js';
import { netHttpCollector } from '../net-http/collector.js';

async function sources(files: Record<string, string>): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const [file, text] of Object.entries(files)) {
    const tree = await parse('go', text);
    if (tree) out.push({ file, language: 'go', text, tree });
  }
  return out;
}

describe('Go paths', () => {
  it('normalises every framework spelling of a parameter', () => {
    expect(goPath('/items/:id')).toBe('/items/{id}');
    expect(goPath('/files/*filepath')).toBe('/files/{filepath}');
    expect(goPath('/users/{id:[0-9]+}')).toBe('/users/{id}');
    expect(goPath('/codes/{code:[A-Z]{3}}')).toBe('/codes/{code}');
    expect(goPath('/static/{path...}')).toBe('/static/{path}');
    expect(goPath('/{$}')).toBe('/');
    expect(goPath('/opt/:name?')).toBe('/opt/{name}');
    expect(goPath('/wild/*')).toBe('/wild/{path}');
  });
  it('joins prefixes the way routers do', () => {
    expect(joinPath('/plugin/', '/:id/config')).toBe('/plugin/:id/config');
    expect(joinPath('/user', '')).toBe('/user');
    expect(joinPath('', 'version')).toBe('/version');
  });
});

describe('Go packages', () => {
  it('reads the module path from the imports; a standard-library path never resolves to a same-named folder', async () => {
    const files = await sources({
      'http/server.go': 'package fbhttp\n\nimport "github.com/acme/drive/auth"\n\nfunc New() { auth.Check() }\n',
      'auth/auth.go': 'package auth\n\nimport "net/http"\n\nfunc Check() { _ = http.StatusOK }\n',
      'main.go': 'package main\n\nimport fbhttp "github.com/acme/drive/http"\n\nfunc main() { fbhttp.New() }\n',
    });
    const program = goProgram(files);
    expect(program.packageOf('github.com/acme/drive/auth')?.name).toBe('auth');
    expect(program.packageOf('github.com/acme/drive/http')?.name).toBe('fbhttp');
    expect(program.packageOf('net/http')).toBeUndefined();
  });
});

describe('Go collectors on hostile input', () => {
  it('survive an expression nested thousands deep and still read the other routes', async () => {
    const deep = `${'('.repeat(3000)}"x"${')'.repeat(3000)}`;
    const concat = Array.from({ length: 3000 }, () => '"a"').join(' + ');
    const files = await sources({
      'deep.go': `package main\n\nimport "net/http"\n\nvar a = ${deep}\nvar b = ${concat}\n\nfunc init() { http.HandleFunc(b, nil) }\n`,
      'main.go': 'package main\n\nimport "net/http"\n\nfunc main() {\n\tmux := http.NewServeMux()\n\tmux.HandleFunc("GET /ok", nil)\n\thttp.ListenAndServe(":80", mux)\n}\n',
    });
    const result = netHttpCollector.collect(files, { root: '.', languages: ['go'], frameworks: [], dependencies: {} });
    expect(result.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`)).toContain('GET /ok');
  });
  it('never marks a route protected from a recursive middleware that never answers 401 (it reads no credential: open)', async () => {
    const files = await sources({
      'main.go':
        'package main\n\nimport "github.com/gin-gonic/gin"\n\nfunc loop(c *gin.Context) { loop(c) }\n\nfunc main() {\n\tr := gin.New()\n\tr.Use(loop)\n\tr.GET("/x", func(c *gin.Context) {})\n}\n',
    });
    const [endpoint] = ginCollector.collect(files, { root: '.', languages: ['go'], frameworks: [], dependencies: {} }).endpoints;
    expect(endpoint?.path).toBe('/x');
    expect(endpoint?.auth.state).toBe('unprotected');
  });
});
