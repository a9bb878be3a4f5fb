import { describe, expect, it } from 'vitest';
import { parseAnnotations } from './annotations.js';

describe('parseAnnotations', () => {
  it('binds each annotation to the next code line, skipping blank lines and stacked annotations', () => {
    const text = [
      '# ruleid: jwt-none-algorithm',
      '# ok: other-check',
      '',
      'jwt.decode(token, verify=False)',
      '// todoruleid: a-check, b-check',
      'x()',
    ].join('\n');
    const parsed = parseAnnotations(text);
    expect(parsed.checks).toEqual([
      { kind: 'ruleid', checkId: 'jwt-none-algorithm', line: 4, commentLine: 1 },
      { kind: 'ok', checkId: 'other-check', line: 4, commentLine: 2 },
      { kind: 'todoruleid', checkId: 'a-check', line: 6, commentLine: 5 },
      { kind: 'todoruleid', checkId: 'b-check', line: 6, commentLine: 5 },
    ]);
    expect(parsed.errors).toEqual([]);
  });

  it('reads endpoint annotations with their auth state and mechanisms', () => {
    const parsed = parseAnnotations('  # endpoint: get /users/{id} auth=protected mech=jwt\n  @app.get("/users/{id}")\n');
    expect(parsed.endpoints).toEqual([
      { method: 'GET', path: '/users/{id}', auth: 'protected', mechanisms: ['jwt'], line: 2, commentLine: 1 },
    ]);
  });

  it('reports malformed annotations instead of ignoring them', () => {
    const parsed = parseAnnotations('# ruleid: Not_An_Id\nx\n# endpoint: GET /a colour=red\ny\n# ok: dangling');
    expect(parsed.errors).toHaveLength(3);
  });

  it('recognises expect: no findings and block comments', () => {
    const parsed = parseAnnotations('/* expect: no findings */\n/* ruleid: a-b */\ncall()\n');
    expect(parsed.expectNoFindings).toBe(true);
    expect(parsed.checks[0]).toMatchObject({ checkId: 'a-b', line: 3 });
  });

  it('does not treat code that mentions ruleid inside a string as an annotation', () => {
    expect(parseAnnotations('const s = "# ruleid: x";\n').checks).toEqual([]);
  });
});
