/**
 * `node --import tsx bench/realworld/precision-by-check.ts SAVED_DIR [--markdown]`
 *
 * Useful precision per check over the whole corpus: for each check, how many of its findings in
 * the saved outputs of `npm run bench:realworld -- CORPUS --save SAVED_DIR` are triaged, and how
 * many of those are `real`. A check that stays under 50% on enough triaged findings is a
 * candidate for `experimental` (DESIGN.md §9).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const here = import.meta.dirname;
const saved = process.argv[2];
const markdown = process.argv.includes('--markdown');
if (!saved) {
  console.error('usage: precision-by-check.ts SAVED_DIR [--markdown]');
  process.exit(2);
}

interface SavedFinding {
  fingerprint: string;
  checkId: string;
  severity: string;
}

function readYaml(file: string): unknown {
  return existsSync(file) ? parse(readFileSync(file, 'utf8')) : undefined;
}

const manifest = readYaml(path.join(here, 'manifest.yaml'));
const entries =
  typeof manifest === 'object' && manifest !== null && 'repositories' in manifest && Array.isArray(manifest.repositories)
    ? manifest.repositories.flatMap((entry: unknown) =>
        typeof entry === 'object' && entry !== null && 'id' in entry && typeof entry.id === 'string' ? [entry.id] : [],
      )
    : [];

interface Tally {
  findings: number;
  triaged: number;
  real: number;
  verdicts: Record<string, number>;
  repos: Set<string>;
}
const byCheck = new Map<string, Tally>();

for (const id of entries) {
  const output = path.join(saved, `${id}.json`);
  if (!existsSync(output)) continue;
  const raw: unknown = JSON.parse(readFileSync(output, 'utf8'));
  const findings: SavedFinding[] =
    typeof raw === 'object' && raw !== null && 'findings' in raw && Array.isArray(raw.findings) ? (raw.findings as SavedFinding[]) : [];
  const triage = readYaml(path.join(here, 'repos', id, 'triage.yaml'));
  const verdicts = new Map<string, string>();
  if (Array.isArray(triage)) {
    for (const item of triage as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const fingerprint = 'fingerprint' in item ? String(item.fingerprint) : '';
      const verdict = 'verdict' in item ? String(item.verdict) : '';
      if (fingerprint !== '' && verdict !== '') verdicts.set(fingerprint, verdict);
    }
  }
  for (const finding of findings) {
    const tally = byCheck.get(finding.checkId) ?? { findings: 0, triaged: 0, real: 0, verdicts: {}, repos: new Set<string>() };
    byCheck.set(finding.checkId, tally);
    tally.findings += 1;
    tally.repos.add(id);
    const verdict = verdicts.get(finding.fingerprint);
    if (verdict === undefined) continue;
    tally.triaged += 1;
    tally.verdicts[verdict] = (tally.verdicts[verdict] ?? 0) + 1;
    if (verdict === 'real') tally.real += 1;
  }
}

const rows = [...byCheck.entries()].sort((a, b) => b[1].triaged - a[1].triaged || (a[0] < b[0] ? -1 : 1));
const percent = (part: number, whole: number): string => (whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`);
if (markdown) {
  console.log('| check | findings | triaged | real | duplicate | noise | false | useful precision | repositories |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
}
let triaged = 0;
let real = 0;
let findings = 0;
for (const [check, tally] of rows) {
  triaged += tally.triaged;
  real += tally.real;
  findings += tally.findings;
  const cells = [
    check,
    tally.findings,
    tally.triaged,
    tally.real,
    tally.verdicts['duplicate'] ?? 0,
    tally.verdicts['noise'] ?? 0,
    tally.verdicts['false'] ?? 0,
    percent(tally.real, tally.triaged),
    tally.repos.size,
  ];
  console.log(markdown ? `| ${cells.join(' | ')} |` : cells.map(String).join('\t'));
}
const total = ['total', findings, triaged, real, '', '', '', percent(real, triaged), ''];
console.log(markdown ? `| ${total.join(' | ')} |` : total.map(String).join('\t'));
