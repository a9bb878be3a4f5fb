import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditResult } from '../../engine/result.js';
import { sampleEndpoint, sampleFinding, sampleResult } from '../sample.js';
import { SCRIPT, STYLE } from './assets.js';
import { renderHtml } from './index.js';
import { escapeHtml, html, prose } from './markup.js';

const SCRIPT_TAG = '<script>alert(1)</script>';
const ATTRIBUTE = '" onload="alert(2)';
const SINGLE = "' onmouseover='alert(3)";

function hostileResult(): AuditResult {
  const base = sampleResult();
  const hostileFile = `src/${SCRIPT_TAG}${ATTRIBUTE}.js`;
  const endpoint = sampleEndpoint({
    method: 'POST',
    path: `/x/${SCRIPT_TAG}/${ATTRIBUTE}/${SINGLE}`,
    apiId: `api${ATTRIBUTE}`,
    sources: [{ kind: 'code', location: { file: hostileFile, line: 3 }, via: 'express' }],
    operationId: `op${SCRIPT_TAG}`,
    summary: `</td></tr></table>${SCRIPT_TAG}`,
    auth: { state: 'unknown', mechanisms: ['unknown'], detail: `<img src=x onerror=alert(4)>` },
    tierReason: `field \`${SCRIPT_TAG}\` in body`,
  });
  const finding = sampleFinding({
    checkId: 'unauthenticated-endpoint',
    endpointId: endpoint.id,
    location: { file: hostileFile, line: 3, pointer: `/paths/${ATTRIBUTE}` },
    message: `The endpoint \`POST ${endpoint.path}\` answers ${SCRIPT_TAG} without authentication ${ATTRIBUTE}.`,
    evidence: { snippet: `app.post('${endpoint.path}', handler) // ${SCRIPT_TAG}` },
    related: [{ location: { file: `lib/${SCRIPT_TAG}.js`, line: 9 }, endpointId: endpoint.id, message: `copy ${ATTRIBUTE}` }],
    fingerprint: `fp${ATTRIBUTE}`,
  });
  return {
    ...base,
    name: `svc${SCRIPT_TAG}`,
    root: `/tmp/${ATTRIBUTE}`,
    inventory: {
      apis: base.inventory.apis.map((api) => ({ ...api, name: `${api.name}${SCRIPT_TAG}`, purpose: ATTRIBUTE })),
      endpoints: [...base.inventory.endpoints, endpoint],
    },
    findings: [...base.findings, finding],
    diagnostics: [{ level: 'error', file: hostileFile, line: 1, message: `Broken ${SCRIPT_TAG}`, source: 'openapi' }],
  };
}

describe('renderHtml', () => {
  it('is one document whose policy forbids every fetch and allows only its own style and script, by hash', () => {
    const page = renderHtml(sampleResult());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(page)?.[1] ?? '';
    const directives = csp.split(';').map((directive) => directive.trim());
    expect(directives).toContain("default-src 'none'");
    expect(directives).toContain("base-uri 'none'");
    expect(directives).toContain("form-action 'none'");
    const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(directives).toContain(`style-src ${hash(STYLE)}`);
    expect(directives).toContain(`script-src ${hash(SCRIPT)}`);
    expect(csp).not.toContain('unsafe');
    // The hashed text is exactly what the page carries.
    expect(page).toContain(`<style>${STYLE}</style>`);
    expect(page).toContain(`<script>${SCRIPT}</script>`);
    // Nothing that could load: no src, href other than in-page anchors, link, @import or url().
    expect(page).not.toMatch(/\ssrc=|<link\b|@import|url\(/i);
    for (const href of page.matchAll(/href="([^"]*)"/g)) expect(href[1]).toMatch(/^#(?:ep|f)-\d+$/);
  });

  it('renders the summary, the inventory with filter attributes, and each finding with its related places', () => {
    const result = sampleResult();
    const page = renderHtml(result);
    expect(page).toContain('<h1>API Security Audit: payments-service</h1>');
    expect(page.match(/<tbody id="ep-\d+"/g)).toHaveLength(result.inventory.endpoints.length);
    expect(page).toContain('data-auth="unprotected"');
    expect(page).toContain('data-source="both"');
    expect(page).toMatch(/<g data-label="Critical" data-value="1">/);
    expect(page).toMatch(/<g data-label="API1" data-value="1">/);
    expect(page.match(/<div class="finding s-/g)?.length).toBeGreaterThanOrEqual(result.findings.length);
    const grouped = renderHtml({
      ...result,
      findings: [
        sampleFinding({
          checkId: 'unauthenticated-endpoint',
          related: [
            { location: { file: 'src/a.js', line: 4 } },
            { location: { file: 'src/b.js', line: 7 }, checkId: 'spec-auth' },
          ],
        }),
      ],
    });
    expect(grouped).toContain('Same root cause at 2 other places');
    // The scope: files read and left out, experimental checks that did not run.
    expect(page).toMatch(/<p class="muted" id="scope">Read \d+ files? \(/);
    expect(page).toMatch(/\d+ experimental checks? did not run \(<code>--experimental<\/code> runs them\): <code>[a-z-]+<\/code>/);
    expect(grouped).toContain('<code>src/a.js:4</code>');
    expect(grouped).toContain('<code>src/b.js:7</code>');
  });

  it('escapes every string from the audited repository: paths, file names, names, messages, evidence', () => {
    const page = renderHtml(hostileResult());
    // The only script element is the report's own.
    expect(page.match(/<script/gi)).toHaveLength(1);
    expect(page).not.toContain(SCRIPT_TAG);
    expect(page).not.toContain('<img');
    // No attribute can be opened: the quotes arrive as entities.
    expect(page).not.toMatch(/["']\s*on(?:load|error|mouseover)=/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot; onload=&quot;alert(2)');
    expect(page).toContain('&#39; onmouseover=&#39;alert(3)');
  });

  it('masks secrets exactly like the other reporters', () => {
    const secret = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const result = sampleResult();
    const page = renderHtml({
      ...result,
      findings: [sampleFinding({ checkId: 'hardcoded-secret', evidence: { snippet: `stripe(${JSON.stringify(secret)})` }, message: `Key \`${secret}\` is in the code.` })],
    });
    expect(page).not.toContain(secret);
    expect(page).toContain('sk_live_');
  });

  it('neutralises control characters planted in names', () => {
    const page = renderHtml({ ...sampleResult(), name: 'svc\u202egnp.exe\u001b[31m' });
    expect(page).not.toContain('\u202e');
    expect(page).not.toContain('\u001b');
    expect(page).toContain('\\u202e');
  });

  it('shows live evidence in the drill-down of the endpoint it confirmed, escaped and masked', () => {
    const base = sampleResult();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const live = sampleFinding({
      checkId: 'unauthenticated-endpoint',
      endpointId: 'payments DELETE /payments/{id}',
      confirmedLive: true,
      evidence: {
        snippet: "router.delete('/payments/:id', deletePayment)",
        liveProbe: 'endpoint-served-without-credentials',
        liveMessage: 'DELETE answered `204` without credentials.',
        url: 'http://127.0.0.1:8080/payments/1',
        request: 'DELETE /payments/1 HTTP/1.1',
        response: `HTTP/1.1 204 No Content\nx-debug: <script>alert(1)</script>\nset-cookie: token=${jwt}`,
        curl: 'curl -X DELETE http://127.0.0.1:8080/payments/1',
      },
    });
    const page = renderHtml({ ...base, findings: [live] });
    const drill = /<tr class="detail" id="ep-\d+-detail" hidden>(?:(?!<tr class="detail").)*?DELETE answered(?:(?!<\/tbody>).)*<\/tbody>/s.exec(page)?.[0] ?? '';
    expect(drill).toContain('<h4>Live evidence</h4>');
    expect(drill).toContain('<code>endpoint-served-without-credentials</code>');
    expect(drill).toContain('<code>http://127.0.0.1:8080/payments/1</code>');
    expect(drill).toContain('x-debug: &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(drill).toContain('curl -X DELETE');
    expect(page).not.toContain(jwt);
    expect(page).toContain('<details class="live-evidence">');
  });

  it('counts what suppressions left out and names those that did nothing; summarises the live run', () => {
    const base = sampleResult();
    const [first] = base.findings;
    if (first === undefined) throw new Error('the sample has findings');
    const page = renderHtml({
      ...base,
      suppressions: {
        suppressed: [{ by: 'inline', reason: 'reviewed', finding: first }],
        counts: { inline: 1, config: 0, baseline: 0 },
        overridden: 2,
        problems: [{ kind: 'unused', location: { file: 'src/app.js', line: 7 }, message: `\`apisec-ignore cors-wildcard-origin\` matches no finding ${SCRIPT_TAG}.` }],
      },
      live: {
        target: 'http://127.0.0.1:8080',
        mode: 'passive',
        partial: true,
        stoppedBy: 'budget',
        preflight: { reachable: true, status: 200, tokenA: 'not-given', tokenB: 'not-given', answersEverything: false, detail: [] },
        probesRun: ['security-headers', 'cors-foreign-origin'],
        probesSkipped: [],
        requests: 40,
        budget: 40,
        refused: 0,
        offOriginRedirects: [],
        durationMs: 900,
        findings: 3,
        merged: 1,
      },
    });
    expect(page).toContain('1 finding left out of this report: 1 by apisec-ignore comments.');
    expect(page).toContain('2 findings with a severity changed');
    expect(page).toContain('<code>src/app.js:7</code>: <code>apisec-ignore cors-wildcard-origin</code> matches no finding &lt;script&gt;');
    expect(page).toContain('<code>http://127.0.0.1:8080</code>, passive probes: 2 probes run, 40 requests of a budget of 40, 3 live findings (1 confirming static findings); stopped early (budget).');
    expect(renderHtml(base)).not.toContain('id="suppressions"');
  });

  it('lists every place of a root cause once, in the findings section; drill-downs show a few and link there', () => {
    const base = sampleResult();
    const endpoints = Array.from({ length: 2000 }, (_, index) => sampleEndpoint({ method: 'GET', path: `/items/${index}` }));
    const [first, ...rest] = endpoints;
    if (first === undefined) throw new Error('endpoints');
    const appWide = sampleFinding({
      checkId: 'rate-limiting-absent',
      endpointId: first.id,
      related: rest.map((endpoint, index) => ({ location: { file: 'src/routes.js', line: index + 2 }, endpointId: endpoint.id })),
    });
    const page = renderHtml({ ...base, inventory: { apis: base.inventory.apis, endpoints }, findings: [appWide] });
    expect(page.match(/<tbody id="ep-\d+"/g)).toHaveLength(2000);
    // Every place once in the findings section, plus at most five per drill-down.
    expect(page.match(/<code>src\/routes\.js:\d+<\/code>/g)?.length).toBeLessThanOrEqual(1999 + 2000 * 5);
    expect(page).toContain('<code>src/routes.js:2000</code>');
    expect(page.split('<a href="#f-0">and 1994 more</a>').length - 1).toBe(2000);
  });

  it('is deterministic', () => {
    expect(renderHtml(sampleResult())).toBe(renderHtml(sampleResult()));
  });
});

describe('markup', () => {
  it('escapes interpolations and keeps nested markup', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(html`<p>${'<b>'}${html`<i>${'&'}</i>`}${['<', '>']}${undefined}</p>`.html).toBe('<p>&lt;b&gt;<i>&amp;</i>&lt;&gt;</p>');
  });

  it('turns backtick spans of prose into code and escapes the rest', () => {
    expect(prose('Use `<limit>` not <b>`x`').html).toBe('Use <code>&lt;limit&gt;</code> not &lt;b&gt;<code>x</code>');
    expect(prose('unbalanced ` tick <i>').html).toBe('unbalanced ` tick &lt;i&gt;');
  });
});
