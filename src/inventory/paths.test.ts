import { describe, expect, it } from 'vitest';
import { displayPath, normalisePath, pathVersion } from './paths.js';

describe('normalisePath', () => {
  it.each([
    ['/users/:id', '/users/{}'],
    ['/users/<int:id>', '/users/{}'],
    ['/users/<id>', '/users/{}'],
    ['/users/{userId}', '/users/{}'],
    ['/users/{id:\\d+}', '/users/{}'],
    ['/users/{id:[0-9]{3}}/', '/users/{}'],
    ['/users/:id(\\d+)?', '/users/{}'],
    ['/users/[id]', '/users/{}'],
    ['/docs/[...slug]', '/docs/{}'],
    ['/files/*path', '/files/{}'],
    ['/posts(.:format)', '/posts'],
    ['users//:id/?q=1', '/users/{}'],
    ['/', '/'],
    ['/v1/items/{id}.json', '/v1/items/{}.json'],
  ])('%s → %s', (input, expected) => {
    expect(normalisePath(input)).toBe(expected);
  });

  it('keeps a display form with names', () => {
    expect(displayPath('/users/:id')).toBe('/users/{id}');
    expect(displayPath('/users/<int:user_id>/posts/<slug>')).toBe('/users/{user_id}/posts/{slug}');
    expect(displayPath('/users/{id:\\d+}')).toBe('/users/{id}');
    expect(displayPath('/docs/[...slug]')).toBe('/docs/{slug}');
  });

  it('finds path versions', () => {
    expect(pathVersion('/api/v2/users')).toBe('v2');
    expect(pathVersion('/v1.0/me')).toBe('v1.0');
    expect(pathVersion('/apis/batch/v1beta1/jobs')).toBe('v1beta1');
    expect(pathVersion('/video/v')).toBeUndefined();
  });
});
