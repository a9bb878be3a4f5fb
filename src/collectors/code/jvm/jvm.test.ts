import { describe, expect, it } from 'vitest';
import { spelVerdict } from '../spring/security.js';
import { JvmConfig, parseProperties, parseYamlDocuments } from './config.js';
import { antCoverage, joinPaths, normaliseTemplate } from './paths.js';

describe('Ant-style matchers against routes', () => {
  it.each([
    ['/api/**', '/api', 'all'],
    ['/api/**', '/api/users/{id}', 'all'],
    ['/api/**', '/apix', 'none'],
    ['/api/*', '/api/users/{id}', 'none'],
    ['/users/*', '/users/{id}', 'all'],
    ['/users/me', '/users/{id}', 'some'],
    ['/users/{id}', '/users/{userId}', 'all'],
    ['/**/*.html', '/index.html', 'all'],
    ['/**/*.html', '/api/users', 'none'],
    ['/*/api-docs', '/v3/api-docs', 'all'],
    ['/login', '/login', 'all'],
    ['/login', '/logout', 'none'],
  ] as const)('%s covers %s: %s', (pattern, route, expected) => {
    expect(antCoverage(pattern, route)).toBe(expected);
  });
});

describe('JVM paths', () => {
  it('joins class and method mappings and drops variable patterns', () => {
    expect(joinPaths('/api/', '/users')).toBe('/api/users');
    expect(joinPaths('', '')).toBe('/');
    expect(joinPaths('/clinic', '/')).toBe('/clinic');
    expect(normaliseTemplate('/files/{id:\\d+}/{name:[a-z]{2,}}')).toBe('/files/{id}/{name}');
  });
});

describe('SpEL verdicts', () => {
  it.each([
    ["hasRole('ADMIN')", 'protected'],
    ['isAuthenticated() and hasAuthority("x")', 'protected'],
    ["hasRole('A') or permitAll()", 'public'],
    ['permitAll', 'public'],
    ["@ss.hasPermi('system:user:list')", 'unknown'],
    ["hasRole('A') or @guard.check(#id)", 'unknown'],
    ["#oauth2.hasScope('server') or #name.equals('demo')", 'unknown'],
  ] as const)('%s is %s', (expression, expected) => {
    expect(spelVerdict(expression)).toBe(expected);
  });
});

describe('Spring configuration files', () => {
  it('reads properties with separators, continuations and comments', () => {
    const props = parseProperties('# c\nserver.servlet.context-path=/api\nmanagement.endpoints.web.exposure.include: health,\\\n  info\n! bang\nkey value', 'application.properties');
    expect(props.get('server.servlet.context-path')?.value).toBe('/api');
    expect(props.get('management.endpoints.web.exposure.include')?.value).toBe('health,info');
    expect(props.get('key')?.value).toBe('value');
    expect(props.get('management.endpoints.web.exposure.include')?.where.line).toBe(3);
  });

  it('keeps documents of other profiles apart', () => {
    const docs = parseYamlDocuments('server:\n  port: 1\n---\nspring:\n  config:\n    activate:\n      on-profile: prod\nserver:\n  port: 2\n', 'application.yml');
    expect(docs.map((doc) => [doc.profile, doc.properties.get('server.port')?.value])).toEqual([
      [undefined, '1'],
      ['prod', '2'],
    ]);
  });

  it('uses the profiles the base file activates, never the others', () => {
    const config = new JvmConfig([
      { file: 'app/src/main/resources/application.properties', kind: 'jvm-config', text: 'spring.profiles.active=local\nserver.servlet.context-path=/base' },
      { file: 'app/src/main/resources/application-local.properties', kind: 'jvm-config', text: 'server.servlet.context-path=/local' },
      { file: 'app/src/main/resources/application-prod.properties', kind: 'jvm-config', text: 'server.servlet.context-path=/prod' },
    ]);
    expect(config.forSource('app/src/main/java/a/B.java').get('server.servlet.context-path')?.value).toBe('/local');
  });

  it('resolves placeholders with defaults, and says when one cannot be', () => {
    const props = parseProperties('api.prefix=/v2\nbase=${api.prefix}/x', 'a.properties');
    expect(JvmConfig.resolve('${base}/y', props)).toBe('/v2/x/y');
    expect(JvmConfig.resolve('${missing:/d}', props)).toBe('/d');
    expect(JvmConfig.resolve('${missing}', props)).toBeUndefined();
  });

  it('never throws on malformed YAML', () => {
    expect(parseYamlDocuments('a: [1, 2\n  b: {', 'application.yml')).toEqual([]);
  });
});
