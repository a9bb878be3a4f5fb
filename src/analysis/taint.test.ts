import { describe, expect, it } from 'vitest';
import type { CheckContext, SourceFile } from '../engine/context.js';
import type { SourceLanguage } from '../parsing/languages.js';
import { parse } from '../parsing/parser.js';
import { factsOf } from './code.js';
import { clearedFor, taintAt, type SinkKind } from './taint.js';

async function source(language: SourceLanguage, text: string): Promise<SourceFile> {
  const tree = await parse(language, text);
  if (!tree) throw new Error('parse failed');
  return { file: `x.${language === 'python' ? 'py' : 'js'}`, language, text, tree };
}

function context(file: SourceFile): CheckContext {
  return {
    project: { root: '.', languages: [file.language], frameworks: [], dependencies: {} },
    config: { publicEndpoints: [], apiTypes: {}, disabledChecks: [] },
    today: '2026-06-01',
    specs: [],
    graphql: [],
    protos: [],
    sources: [file],
    infra: [],
    inventory: { apis: [], endpoints: [] },
    endpointById: new Map(),
  };
}

/** For every call to `sink`, whether its first argument is tainted for `kind`. */
async function sinkArgs(language: SourceLanguage, text: string, sink: string, kind: SinkKind): Promise<boolean[]> {
  const file = await source(language, text);
  const ctx = context(file);
  return factsOf(file)
    .calls.filter((call) => call.written === sink)
    .map((call) => {
      const facts = taintAt(ctx, file, call.node);
      const taint = facts?.taintOf(call.args[0]);
      return taint !== undefined && !clearedFor(taint, kind);
    });
}

describe('taint propagation (Python)', () => {
  it('follows request data through assignments, f-strings, %, .format, + and join', async () => {
    const code = [
      'from flask import request',
      'def view():',
      '    data = request.get_json()',
      '    name = data["name"]',
      '    sink(f"SELECT * FROM t WHERE name = \'{name}\'")',
      '    sink("SELECT * FROM t WHERE id = %s" % request.args["id"])',
      '    sink("SELECT {}".format(name))',
      '    sink("SELECT " + name)',
      '    parts = []',
      '    parts.append(f"name = \'{name}\'")',
      '    sink(" AND ".join(parts))',
      '    sink("SELECT * FROM t WHERE id = %s")',
      '    sink(str(request.args.get("q")))',
    ].join('\n');
    expect(await sinkArgs('python', code, 'sink', 'sql')).toEqual([true, true, true, true, true, false, true]);
  });

  it('clears values cast to int, checked against an allowlist or reassigned', async () => {
    const code = [
      'from flask import request',
      'ALLOWED = {"name", "created"}',
      'def view():',
      '    user_id = int(request.args["id"])',
      '    sink(f"SELECT * FROM t WHERE id = {user_id}")',
      '    sort = request.args.get("sort")',
      '    if sort not in ALLOWED:',
      '        abort(400)',
      '    sink(f"SELECT * FROM t ORDER BY {sort}")',
      '    q = request.args["q"]',
      '    q = "fixed"',
      '    sink(q)',
    ].join('\n');
    expect(await sinkArgs('python', code, 'sink', 'sql')).toEqual([false, false, false]);
  });

  it('applies sanitisers per sink kind', async () => {
    const code = [
      'import os, shlex',
      'from werkzeug.utils import secure_filename',
      'from flask import request',
      'def view():',
      '    name = secure_filename(request.args["file"])',
      '    sink(os.path.join("/data", name))',
      '    cmd = "ls " + shlex.quote(request.args["dir"])',
      '    sink(cmd)',
    ].join('\n');
    expect(await sinkArgs('python', code, 'sink', 'path')).toEqual([false, true]);
    expect(await sinkArgs('python', code, 'sink', 'command')).toEqual([false, false]);
  });

  it('treats query-string values as strings and JSON bodies as possible objects', async () => {
    const code = [
      'from flask import request',
      'def view():',
      '    sink(request.args.get("user"))',
      '    sink(request.json.get("user"))',
      '    sink({"user": request.json["user"]})',
    ].join('\n');
    expect(await sinkArgs('python', code, 'sink', 'nosql')).toEqual([false, true, true]);
  });
});

describe('taint propagation (JavaScript)', () => {
  it('follows destructuring, template literals, callbacks and object keys', async () => {
    const code = [
      'app.post("/x", async (req, res) => {',
      '  const { table, filters } = req.body;',
      '  sink(`SELECT * FROM ${table}`);',
      '  const where = Object.keys(filters).map((key) => `${key} = ?`).join(" AND ");',
      '  sink(`SELECT * FROM t WHERE ${where}`);',
      '  sink(`SELECT * FROM t WHERE ${Object.keys({ a: req.body.a }).join(",")}`);',
      '  sink("SELECT * FROM t WHERE id = $1");',
      '  sink(sql`SELECT * FROM t WHERE id = ${req.body.id}`);',
      '  const id = Number(req.params.id);',
      '  sink(`SELECT * FROM t WHERE id = ${id}`);',
      '});',
    ].join('\n');
    expect(await sinkArgs('javascript', code, 'sink', 'sql')).toEqual([true, true, false, false, false, false]);
  });

  it('pins the host of a URL built from a literal prefix', async () => {
    const code = [
      'async function handler(req, res) {',
      '  sink(req.query.url);',
      '  sink(`https://api.example.com/users/${req.query.id}`);',
      '  sink(`${req.query.base}/users`);',
      '  const target = new URL(req.query.url);',
      '  sink(target);',
      '}',
    ].join('\n');
    expect(await sinkArgs('javascript', code, 'sink', 'url')).toEqual([true, false, true, true]);
  });

  it('clears paths checked with basename or startsWith', async () => {
    const code = [
      'const path = require("path");',
      'function handler(req, res) {',
      '  sink(path.join(ROOT, path.basename(req.params.name)));',
      '  const full = path.resolve(ROOT, req.params.name);',
      '  if (!full.startsWith(ROOT)) return res.sendStatus(400);',
      '  sink(full);',
      '  sink(path.join(ROOT, req.params.name));',
      '}',
    ].join('\n');
    expect(await sinkArgs('javascript', code, 'sink', 'path')).toEqual([false, false, true]);
  });

  it('does not propagate through unknown calls or string casts for NoSQL', async () => {
    const code = [
      'async function handler(req, res) {',
      '  const user = await findUser(req.body.id);',
      '  sink(user.name);',
      '  sink({ username: String(req.body.username) });',
      '  sink({ username: req.body.username });',
      '}',
    ].join('\n');
    expect(await sinkArgs('javascript', code, 'sink', 'nosql')).toEqual([false, false, true]);
  });
});
