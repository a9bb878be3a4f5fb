/**
 * Fixture annotations (DESIGN.md §6, STYLE.md): a comment alone on a line says what the next
 * code line must (`ruleid:`) or must not (`ok:`) produce; `todoruleid:` / `todook:` record known
 * misses and known false positives; `endpoint:` names a route the collectors must find;
 * `expect: no findings` near the top says the file must produce nothing at all.
 */

export type AnnotationKind = 'ruleid' | 'ok' | 'todoruleid' | 'todook';

export interface CheckAnnotation {
  kind: AnnotationKind;
  checkId: string;
  /** The annotated line (1-based): the first code line after the comment. */
  line: number;
  /** The comment's own line, for messages. */
  commentLine: number;
}

export interface EndpointAnnotation {
  method: string;
  path: string;
  /** `auth=protected|public|unprotected|unknown`, when given. */
  auth?: string;
  /** `mech=jwt,session`, when given. */
  mechanisms?: string[];
  line: number;
  commentLine: number;
}

export interface FileAnnotations {
  checks: CheckAnnotation[];
  endpoints: EndpointAnnotation[];
  expectNoFindings: boolean;
  /** Malformed annotations: a fixture that cannot be read fails, it is never silently ignored. */
  errors: string[];
}

// Comment openers of the languages fixtures are written in: #, //, /* */, <!-- -->, --, ;.
const COMMENT = /^\s*(?:#|\/\/|\/\*|<!--|--|;|\*)\s?(.*?)\s*(?:\*\/|-->)?\s*$/;
const CHECK = /^(ruleid|ok|todoruleid|todook):\s*(.+)$/;
const ENDPOINT = /^endpoint:\s*(\S+)\s+(\S+)(.*)$/;
const CHECK_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function commentBody(line: string): string | undefined {
  const match = COMMENT.exec(line);
  return match?.[1];
}

function isAnnotation(body: string | undefined): boolean {
  return body !== undefined && (CHECK.test(body) || ENDPOINT.test(body));
}

export function parseAnnotations(text: string): FileAnnotations {
  const lines = text.split(/\r?\n/);
  const result: FileAnnotations = { checks: [], endpoints: [], expectNoFindings: false, errors: [] };
  const targetAfter = (index: number): number | undefined => {
    for (let next = index + 1; next < lines.length; next += 1) {
      const line = lines[next] ?? '';
      if (line.trim() === '') continue;
      if (isAnnotation(commentBody(line))) continue;
      return next + 1;
    }
    return undefined;
  };

  lines.forEach((line, index) => {
    const body = commentBody(line);
    if (body === undefined) return;
    if (/^expect:\s*no findings\b/i.test(body)) {
      result.expectNoFindings = true;
      return;
    }
    const check = CHECK.exec(body);
    if (check) {
      const kind = check[1] as AnnotationKind;
      const target = targetAfter(index);
      if (target === undefined) {
        result.errors.push(`line ${index + 1}: ${kind} annotation with no code line after it`);
        return;
      }
      for (const raw of (check[2] ?? '').split(',')) {
        const checkId = raw.trim();
        if (!CHECK_ID.test(checkId)) {
          result.errors.push(`line ${index + 1}: "${checkId}" is not a check id`);
          continue;
        }
        result.checks.push({ kind, checkId, line: target, commentLine: index + 1 });
      }
      return;
    }
    const endpoint = ENDPOINT.exec(body);
    if (endpoint) {
      const target = targetAfter(index);
      if (target === undefined) {
        result.errors.push(`line ${index + 1}: endpoint annotation with no code line after it`);
        return;
      }
      const annotation: EndpointAnnotation = {
        method: (endpoint[1] ?? '').toUpperCase(),
        path: endpoint[2] ?? '',
        line: target,
        commentLine: index + 1,
      };
      for (const option of (endpoint[3] ?? '').trim().split(/\s+/).filter(Boolean)) {
        const [key, value] = option.split('=');
        if (key === 'auth' && value) annotation.auth = value;
        else if (key === 'mech' && value) annotation.mechanisms = value.split(',');
        else result.errors.push(`line ${index + 1}: unknown endpoint option "${option}"`);
      }
      result.endpoints.push(annotation);
    }
  });
  return result;
}
