import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { CheckContext, InfraFile } from '../engine/context.js';
import type { Location } from '../model/types.js';

/**
 * Dependency vulnerability scanning configured in the repository (seed 003: "Dependencies scanned
 * for CVEs"): a dependency bot (Dependabot, Renovate) or a pipeline step that runs a scanner. Read
 * from the parsed pipeline files: `run:` / `script:` commands and `uses:` actions, never comments.
 */

export interface ScannerEvidence {
  tool: string;
  location: Location;
  /** The command or action as written (first line). */
  snippet: string;
  /** `npm audit || true`: it runs but can never fail the build. */
  neverFails?: boolean;
}

export interface DependencyScanning {
  /** Pipeline files (not the bot configurations). */
  pipelines: InfraFile[];
  scanners: ScannerEvidence[];
}

/** Commands of scanners, matched on one shell command (comments removed). */
const COMMANDS: [RegExp, string][] = [
  [/\b(?:npm|pnpm|bun)\s+audit\b|\byarn\s+(?:npm\s+)?audit\b|\baudit-ci\b|\bbetter-npm-audit\b/, 'npm audit'],
  [/\bpip-audit\b/, 'pip-audit'],
  [/\bsafety\s+(?:check|scan)\b/, 'safety'],
  [/\bosv-scanner\b/, 'osv-scanner'],
  [/\btrivy\s+(?:fs|filesystem|repo|repository|image|sbom|rootfs)\b/, 'trivy'],
  [/\bgrype\b/, 'grype'],
  [/\bsnyk\s+test\b/, 'snyk'],
  [/\bgovulncheck\b/, 'govulncheck'],
  [/\bbundle(?:r)?[-\s]audit\b/, 'bundler-audit'],
  [/\bcargo\s+audit\b/, 'cargo audit'],
  [/\bcomposer\s+audit\b/, 'composer audit'],
  [/\bdependency-check(?:\.sh)?\b/, 'OWASP Dependency-Check'],
];

/** Actions and CI components that scan dependencies. */
const ACTIONS: [RegExp, string][] = [
  [/^actions\/dependency-review-action@/i, 'dependency-review-action'],
  [/^google\/osv-scanner-action\//i, 'osv-scanner'],
  [/^aquasecurity\/trivy-action@/i, 'trivy'],
  [/^snyk\/actions\//i, 'snyk'],
  [/^pypa\/gh-action-pip-audit@/i, 'pip-audit'],
  [/^anchore\/scan-action@/i, 'grype'],
  [/^golang\/govulncheck-action@/i, 'govulncheck'],
  [/^dependency-check\/dependency-check_action@/i, 'OWASP Dependency-Check'],
];

const GITLAB_TEMPLATE = /(^|\/)Dependency-Scanning(\.latest)?\.gitlab-ci\.yml$/i;

function isBot(file: InfraFile): 'Dependabot' | 'Renovate' | undefined {
  if (/(^|\/)\.github\/dependabot\.ya?ml$/.test(file.file)) return 'Dependabot';
  if (/renovate\.json5?$|\.renovaterc(\.json5?)?$/.test(file.file)) return 'Renovate';
  return undefined;
}

/** Dependabot's pull requests, by their author or their branch. */
const DEPENDABOT_PULL_REQUESTS = /dependabot\[bot\]|(?:refs\/heads\/|^|['"\s])dependabot\//;

function lineOf(counter: LineCounter, node: YamlNode | null | undefined): number {
  const offset = node?.range?.[0];
  return offset === undefined ? 1 : counter.linePos(offset).line;
}

function commandLines(text: string): { command: string; offset: number }[] {
  const out: { command: string; offset: number }[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const command = line.trim();
    if (command !== '' && !command.startsWith('#')) out.push({ command, offset });
    offset += 1;
  }
  return out;
}

function matchCommand(command: string): string | undefined {
  for (const [pattern, tool] of COMMANDS) if (pattern.test(command)) return tool;
  return undefined;
}

/** Walks a parsed pipeline: every scalar under a `run`, `script`, `before_script`, `command` or `steps` key, and every `uses` / `template`. */
function yamlScanners(file: InfraFile): ScannerEvidence[] {
  const counter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: counter, strict: false, uniqueKeys: false });
  if (doc.errors.length > 0) return [];
  const out: ScannerEvidence[] = [];
  const visit = (node: unknown, key: string | undefined, depth: number): void => {
    if (depth > 64 || node === null || node === undefined) return;
    if (isScalar(node)) {
      if (typeof node.value !== 'string' || key === undefined) return;
      const value = node.value;
      if (key === 'uses' || key === 'orb') {
        for (const [pattern, tool] of ACTIONS) {
          if (pattern.test(value)) out.push({ tool, location: { file: file.file, line: lineOf(counter, node) }, snippet: `uses: ${value}` });
        }
        return;
      }
      // A job or trigger that tells Dependabot's pull requests apart (`if: github.actor != 'dependabot[bot]'`,
      // `startsWith(github.ref, 'refs/heads/dependabot/')`, `branches-ignore: ['dependabot/**']`): Dependabot opens
      // them on this repository, with no dependabot.yml only as security updates, enabled in its settings.
      if ((key === 'if' || key === 'branches-ignore' || key === 'branches') && DEPENDABOT_PULL_REQUESTS.test(value)) {
        out.push({ tool: 'Dependabot security updates (enabled in the repository settings; the pipeline handles their pull requests)', location: { file: file.file, line: lineOf(counter, node) }, snippet: `${key}: ${value.trim().slice(0, 100)}` });
        return;
      }
      if (key === 'template' || key === 'local' || key === 'component') {
        if (GITLAB_TEMPLATE.test(value)) out.push({ tool: 'GitLab Dependency Scanning', location: { file: file.file, line: lineOf(counter, node) }, snippet: `template: ${value}` });
        return;
      }
      if (!/^(run|script|before_script|after_script|command|steps|cmd|inline|bash|sh|pwsh|powershell)$/.test(key)) return;
      const first = lineOf(counter, node);
      // A block scalar (`run: |`) starts on the line after its key.
      const base = value.includes('\n') && node.type !== 'QUOTE_DOUBLE' && node.type !== 'QUOTE_SINGLE' ? first + 1 : first;
      for (const { command, offset } of commandLines(value)) {
        const tool = matchCommand(command);
        if (!tool) continue;
        const evidence: ScannerEvidence = { tool, location: { file: file.file, line: base + offset }, snippet: command.slice(0, 120) };
        if (/\|\|\s*(true|:|exit\s+0)\s*$/.test(command)) evidence.neverFails = true;
        out.push(evidence);
      }
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
        visit(pair.value, name, depth + 1);
      }
      return;
    }
    if (isSeq(node)) for (const item of node.items) visit(item, key, depth + 1);
  };
  visit(doc.contents, undefined, 0);
  return out;
}

/** Jenkinsfile: `sh '…'` / `bat '…'` steps, one command per line. */
function jenkinsScanners(file: InfraFile): ScannerEvidence[] {
  const out: ScannerEvidence[] = [];
  const lines = file.text.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line.startsWith('//') || !/^(sh|bat|powershell)\b/.test(line)) continue;
    const tool = matchCommand(line);
    if (tool) out.push({ tool, location: { file: file.file, line: index + 1 }, snippet: line.slice(0, 120) });
  }
  return out;
}

function botEvidence(file: InfraFile, bot: 'Dependabot' | 'Renovate'): ScannerEvidence | undefined {
  if (bot === 'Renovate') {
    // `"enabled": false` turns Renovate off for the repository.
    if (/"enabled"\s*:\s*false/.test(file.text)) return undefined;
    return { tool: 'Renovate', location: { file: file.file, line: 1 }, snippet: file.file };
  }
  const counter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: counter, strict: false });
  const updates = isMap(doc.contents) ? doc.contents.get('updates', true) : undefined;
  if (!isSeq(updates) || updates.items.length === 0) return undefined;
  const first = updates.items[0];
  const ecosystem = isMap(first) ? first.get('package-ecosystem') : undefined;
  return {
    tool: 'Dependabot',
    location: { file: file.file, line: lineOf(counter, isMap(first) ? (first.get('package-ecosystem', true) as YamlNode | undefined) : undefined) },
    snippet: `package-ecosystem: ${typeof ecosystem === 'string' ? ecosystem : '…'}`,
  };
}

export function dependencyScanning(ctx: Pick<CheckContext, 'infra'>): DependencyScanning {
  const pipelines: InfraFile[] = [];
  const scanners: ScannerEvidence[] = [];
  for (const file of ctx.infra) {
    if (file.kind !== 'ci') continue;
    const bot = isBot(file);
    if (bot) {
      const evidence = botEvidence(file, bot);
      if (evidence) scanners.push(evidence);
      continue;
    }
    pipelines.push(file);
    scanners.push(...(/(^|\/)Jenkinsfile$/.test(file.file) ? jenkinsScanners(file) : yamlScanners(file)));
  }
  return { pipelines, scanners };
}
