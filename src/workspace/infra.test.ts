import { describe, expect, it } from 'vitest';
import { infraKind } from './infra.js';

describe('infraKind', () => {
  it.each([
    ['deploy/nginx/api.conf', 'nginx'],
    ['nginx.conf', 'nginx'],
    ['etc/sites-available/default', 'nginx'],
    ['gateway/kong.yml', 'kong'],
    ['serverless.yml', 'serverless'],
    ['infra/main.tf', 'terraform'],
    ['Dockerfile', 'dockerfile'],
    ['docker/Dockerfile.prod', 'dockerfile'],
    ['Procfile', 'procfile'],
    ['docker-compose.prod.yaml', 'compose'],
    ['k8s/api-deployment.yaml', 'kubernetes'],
    ['gunicorn.conf.py', 'gunicorn'],
    ['.env', 'dotenv'],
    ['backend/.env.production', 'dotenv'],
    ['config/packages/security.yaml', 'symfony-security'],
    ['app/config/security.yml', 'symfony-security'],
  ])('%s is %s', (path, kind) => {
    expect(infraKind(path)).toBe(kind);
  });

  it('leaves application files alone', () => {
    expect(infraKind('src/app.py')).toBeUndefined();
    expect(infraKind('openapi.yaml')).toBeUndefined();
    expect(infraKind('docs/dockerfile-guide.md')).toBeUndefined();
    expect(infraKind('.env.example')).toBeUndefined();
    expect(infraKind('.env.testing')).toBeUndefined();
  });
});
