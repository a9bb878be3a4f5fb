import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../index.js';
import type { Endpoint } from '../model/types.js';

const REPO = path.resolve(import.meta.dirname, '../..');

async function endpointsOf(fixture: string): Promise<Map<string, Endpoint>> {
  const analysis = await analyse({ root: path.join(REPO, fixture), today: '2026-06-01', checks: [] });
  const out = new Map(analysis.context.inventory.endpoints.map((endpoint) => [`${endpoint.method} ${endpoint.path}`, endpoint]));
  analysis.dispose();
  return out;
}

describe('authorization enricher', () => {
  it('decides object-level authorization from the handler', async () => {
    const endpoints = await endpointsOf('src/checks/bola-missing-ownership-check/fixtures/express-billing');
    const level = (id: string): string | undefined => endpoints.get(id)?.authorization?.objectLevel;
    expect(level('GET /api/invoices/{invoiceId}')).toBe('missing');
    expect(level('DELETE /api/invoices/{invoiceId}')).toBe('missing');
    expect(level('GET /api/invoices/{invoiceId}/pdf')).toBe('present');
    expect(level('PUT /api/invoices/{invoiceId}/notes')).toBe('present');
    expect(level('GET /api/invoices/{invoiceId}/payments')).toBe('present');
    expect(level('GET /api/documents/{id}')).toBe('present');
    expect(endpoints.get('GET /api/invoices/{invoiceId}')?.authorization?.detail).toContain('Invoice.findById');
  });

  it('follows DRF viewsets, object permissions and function views', async () => {
    const endpoints = await endpointsOf('src/checks/bola-missing-ownership-check/fixtures/drf-clinic');
    const level = (id: string): string | undefined => endpoints.get(id)?.authorization?.objectLevel;
    expect(level('GET /api/prescriptions/{pk}')).toBe('missing');
    expect(level('GET /api/appointments/{pk}')).toBe('present');
    expect(level('GET /api/lab-results/{pk}')).toBe('present');
    expect(level('GET /api/visits/{pk}')).toBe('missing');
    expect(level('GET /api/visits/{pk}/notes')).toBe('present');
    expect(endpoints.get('GET /api/visits/{pk}')?.authorization?.functionLevel).toBe('unknown');
  });

  it('treats reads of publicly listed models and targets of the caller\'s own action as not missing', async () => {
    const endpoints = await endpointsOf('src/checks/bola-missing-ownership-check/fixtures/express-forum');
    const level = (id: string): string | undefined => endpoints.get(id)?.authorization?.objectLevel;
    expect(level('GET /api/threads/{threadId}')).toBe('unknown');
    expect(endpoints.get('GET /api/threads/{threadId}')?.authorization?.detail).toContain('public by design');
    expect(level('PATCH /api/threads/{threadId}')).toBe('missing');
    expect(level('POST /api/members/{memberId}/follow')).toBe('unknown');
    expect(endpoints.get('POST /api/members/{memberId}/block')?.authorization?.detail).toContain('target of the caller');
    expect(level('POST /api/members/{memberId}/nudge')).toBe('missing');
    expect(level('GET /api/inbox/{messageId}')).toBe('missing');
  });

  it('decides function-level authorization for admin routes', async () => {
    const endpoints = await endpointsOf('src/checks/admin-route-without-role-check/fixtures/express-backoffice');
    const level = (id: string): string | undefined => endpoints.get(id)?.authorization?.functionLevel;
    expect(level('GET /internal/admin/users')).toBe('missing');
    expect(level('POST /internal/admin/users/{userId}/ban')).toBe('missing');
    expect(level('DELETE /internal/admin/users/{userId}')).toBe('present');
    expect(level('POST /internal/admin/cache/flush')).toBe('present');
    expect(level('POST /ops/reindex')).toBe('present');
    expect(endpoints.get('GET /internal/admin/users')?.authorization?.objectLevel).toBe('unknown');
  });
});
