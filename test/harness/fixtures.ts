import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Endpoint, Finding } from '../../src/model/types.js';
import { parseAnnotations, type FileAnnotations } from './annotations.js';

export const REPO = path.resolve(import.meta.dirname, '../..');

/** A workspace to audit: a single fixture file, or a fixture project folder. */
export interface FixtureWorkspace {
  /** Display name, relative to the repository. */
  name: string;
  /** Directory that is audited. */
  root: string;
  /** Only this file when the workspace is a single fixture file inside a shared folder. */
  only?: string;
  /** The check whose folder holds the fixture, when there is one. */
  ownerCheck?: string;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** `src/checks/<id>/fixtures/<file>` and `src/checks/<id>/fixtures/<project>/`. */
export function checkFixtureWorkspaces(): FixtureWorkspace[] {
  const checksDir = path.join(REPO, 'src/checks');
  const out: FixtureWorkspace[] = [];
  for (const id of listDir(checksDir)) {
    const fixtures = path.join(checksDir, id, 'fixtures');
    for (const entry of listDir(fixtures)) {
      const full = path.join(fixtures, entry);
      const isDir = statSync(full).isDirectory();
      out.push({
        name: path.relative(REPO, full),
        root: isDir ? full : fixtures,
        ...(isDir ? {} : { only: entry }),
        ownerCheck: id,
      });
    }
  }
  return out;
}

/** `src/collectors/code/<framework>/fixtures/<project>/`. */
export function collectorFixtureWorkspaces(): FixtureWorkspace[] {
  const dir = path.join(REPO, 'src/collectors/code');
  const out: FixtureWorkspace[] = [];
  for (const framework of listDir(dir)) {
    const fixtures = path.join(dir, framework, 'fixtures');
    for (const entry of listDir(fixtures)) {
      const full = path.join(fixtures, entry);
      if (statSync(full).isDirectory()) out.push({ name: path.relative(REPO, full), root: full });
    }
  }
  return out;
}

export function walkFiles(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of listDir(dir)) {
      const full = path.join(dir, entry);
      const info = statSync(full);
      if (info.isDirectory()) visit(full);
      else out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  visit(root);
  return out;
}

export function annotationsOf(root: string, file: string): FileAnnotations {
  return parseAnnotations(readFileSync(path.join(root, file), 'utf8'));
}

/** Compares findings with a file's check annotations; returns one line per problem. */
export function compareFindings(
  file: string,
  annotations: FileAnnotations,
  findings: readonly Finding[],
  ownerCheck: string | undefined,
): string[] {
  const problems = annotations.errors.map((error) => `${file}: ${error}`);
  // A finding grouped from several places answers for each of them, under the check that saw it there.
  const places = findings.flatMap((finding) => [
    finding,
    ...(finding.related ?? []).map((related) => ({ ...finding, checkId: related.checkId ?? finding.checkId, location: related.location, message: related.message ?? finding.message })),
  ]);
  const inFile = places.filter((finding) => finding.location.file === file);
  const key = (checkId: string, line: number): string => `${checkId}@${line}`;
  const found = new Set(inFile.map((finding) => key(finding.checkId, finding.location.line)));
  const annotated = new Set<string>();
  // Unexpected findings are judged for the checks this file is about; `expect: no findings` widens that to all.
  const underTest = new Set(annotations.checks.map((annotation) => annotation.checkId));
  if (ownerCheck) underTest.add(ownerCheck);

  for (const annotation of annotations.checks) {
    const where = `${file}:${annotation.line}`;
    const hit = found.has(key(annotation.checkId, annotation.line));
    if (annotation.kind === 'ruleid' || annotation.kind === 'todook') annotated.add(key(annotation.checkId, annotation.line));
    if (annotation.kind === 'ruleid' && !hit) problems.push(`${where}: expected ${annotation.checkId}, not reported`);
    if (annotation.kind === 'ok' && hit) problems.push(`${where}: ${annotation.checkId} reported on an ok: line`);
    if (annotation.kind === 'todoruleid' && hit)
      problems.push(`${where}: ${annotation.checkId} is now reported: turn todoruleid into ruleid`);
    if (annotation.kind === 'todook' && !hit)
      problems.push(`${where}: ${annotation.checkId} no longer reported: turn todook into ok`);
  }
  for (const finding of inFile) {
    const k = key(finding.checkId, finding.location.line);
    if (annotated.has(k)) continue;
    if (annotations.expectNoFindings || underTest.has(finding.checkId)) {
      problems.push(`${file}:${finding.location.line}: unexpected ${finding.checkId}: ${finding.message}`);
    }
  }
  return problems;
}

/** Compares collected endpoints with a file's `endpoint:` annotations. */
export function compareEndpoints(file: string, annotations: FileAnnotations, endpoints: readonly Endpoint[]): string[] {
  const problems = annotations.errors.map((error) => `${file}: ${error}`);
  const inFile = endpoints.filter((endpoint) =>
    endpoint.sources.some((source) => source.kind === 'code' && source.location.file === file),
  );
  const lineOf = (endpoint: Endpoint): number =>
    endpoint.sources.find((source) => source.kind === 'code' && source.location.file === file)?.location.line ?? 0;
  const matched = new Set<Endpoint>();
  for (const annotation of annotations.endpoints) {
    const where = `${file}:${annotation.line}`;
    const candidates = inFile.filter(
      (endpoint) =>
        lineOf(endpoint) === annotation.line &&
        endpoint.method.toUpperCase() === annotation.method &&
        endpoint.path === annotation.path &&
        !matched.has(endpoint),
    );
    const endpoint = candidates[0];
    if (!endpoint) {
      const near = inFile.filter((e) => lineOf(e) === annotation.line).map((e) => `${e.method} ${e.path}`);
      problems.push(
        `${where}: expected endpoint ${annotation.method} ${annotation.path}${near.length ? `, found ${near.join(', ')}` : ', not found'}`,
      );
      continue;
    }
    matched.add(endpoint);
    if (annotation.auth && endpoint.auth.state !== annotation.auth) {
      problems.push(
        `${where}: ${annotation.method} ${annotation.path} auth is ${endpoint.auth.state}, expected ${annotation.auth}${endpoint.auth.detail ? ` (${endpoint.auth.detail})` : ''}`,
      );
    }
    if (annotation.mechanisms) {
      const got = [...endpoint.auth.mechanisms].sort().join(',');
      const want = [...annotation.mechanisms].sort().join(',');
      if (got !== want) problems.push(`${where}: ${annotation.method} ${annotation.path} mechanisms ${got}, expected ${want}`);
    }
  }
  for (const endpoint of inFile) {
    if (!matched.has(endpoint)) problems.push(`${file}:${lineOf(endpoint)}: unexpected endpoint ${endpoint.method} ${endpoint.path}`);
  }
  return problems;
}
