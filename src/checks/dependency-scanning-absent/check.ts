import { dependencyScanning } from '../../analysis/dependency-scanning.js';
import type { InfraFile } from '../../engine/context.js';
import type { Location } from '../../model/types.js';
import defineCheck from '../define-check.js';

/** Where a pipeline defines its work: the `jobs:` key (GitHub Actions), else its first statement. */
function pipelineLine(file: InfraFile): number {
  const lines = file.text.split('\n');
  const jobs = lines.findIndex((line) => /^jobs\s*:/.test(line));
  if (jobs >= 0) return jobs + 1;
  const first = lines.findIndex((line) => line.trim() !== '' && !/^\s*(#|\/\/)/.test(line));
  return first >= 0 ? first + 1 : 1;
}

export default defineCheck({
  id: 'dependency-scanning-absent',
  title: 'Dependencies not scanned for known vulnerabilities in CI',
  owasp: 'API8:2023',
  cwe: ['CWE-1395'],
  severity: 'low',
  confidence: 'medium',
  section: 'cors-transport',
  targets: ['code', 'openapi'],
  rationale:
    'Most API compromises through third-party code use vulnerabilities that were already published: without a scanner or a dependency bot in the pipeline, a vulnerable framework, JWT or parser library stays deployed until someone happens to notice.',
  remediation:
    'Scan dependencies on every change and on a schedule: enable Dependabot (`.github/dependabot.yml` with one `package-ecosystem` entry per manifest) or Renovate, and add a failing step to the pipeline — `npm audit --audit-level=high`, `pip-audit -r requirements.txt`, `osv-scanner -r .`, `trivy fs --exit-code 1 .`, or `actions/dependency-review-action` on pull requests (GitLab: `include: - template: Jobs/Dependency-Scanning.gitlab-ci.yml`).',
  messages: {
    absent:
      'The CI pipelines ({{pipelines}}) run no dependency vulnerability scanner (npm audit, pip-audit, osv-scanner, trivy …) and no Dependabot or Renovate configuration is present, while the project declares {{dependencies}} dependencies.',
  },
  run(ctx, report) {
    const dependencies = Object.values(ctx.project.dependencies).reduce((sum, names) => sum + names.length, 0);
    if (dependencies === 0) return;
    const { pipelines, scanners } = dependencyScanning(ctx);
    // No pipeline in DIR: the CI may live elsewhere (a monorepo root), so nothing can be said.
    if (pipelines.length === 0 || scanners.length > 0) return;
    const sorted = [...pipelines].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const [first] = sorted;
    if (!first) return;
    const location: Location = { file: first.file, line: pipelineLine(first) };
    report({
      messageId: 'absent',
      data: { pipelines: sorted.map((file) => `\`${file.file}\``).join(', '), dependencies },
      location,
      evidence: { snippet: sorted.map((file) => file.file).join(', ') },
      rootCause: 'dependency-scanning',
    });
  },
});
