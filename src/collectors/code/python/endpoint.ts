import type { CollectedEndpoint } from '../collector.js';
import type { ProjectInfo, SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, Location, Parameter, Protocol } from '../../../model/types.js';
import { pathParams } from './paths.js';

export interface EndpointDraft {
  framework: string;
  method: string;
  path: string;
  location: Location;
  auth: AuthEvidence;
  protocol?: Protocol;
  handler?: Location;
  parameters?: Parameter[];
  appFile?: string;
  deprecated?: boolean;
  operationId?: string;
  summary?: string;
  tags?: string[];
}

export function makeEndpoint(draft: EndpointDraft): CollectedEndpoint {
  const parameters = draft.parameters ?? [];
  const named = new Set(parameters.filter((p) => p.in === 'path').map((p) => p.name));
  const withPath = [
    ...pathParams(draft.path)
      .filter((name) => !named.has(name))
      .map((name): Parameter => ({ name, in: 'path', required: true })),
    ...parameters,
  ];
  return {
    framework: draft.framework,
    method: draft.method,
    path: draft.path,
    protocol: draft.protocol ?? 'rest',
    sources: [{ kind: 'code', location: draft.location, via: draft.framework }],
    parameters: withPath,
    auth: draft.auth,
    deprecated: draft.deprecated ?? false,
    ...(draft.handler ? { handler: draft.handler } : {}),
    ...(draft.appFile !== undefined ? { appFile: draft.appFile } : {}),
    ...(draft.operationId !== undefined ? { operationId: draft.operationId } : {}),
    ...(draft.summary !== undefined ? { summary: draft.summary } : {}),
    ...(draft.tags && draft.tags.length > 0 ? { tags: draft.tags } : {}),
  };
}

/** True when the project declares `dependency` or a Python file imports `module`. */
export function pythonEnabled(project: ProjectInfo, sources: readonly SourceFile[], frameworks: readonly string[], modules: RegExp): boolean {
  if (frameworks.some((id) => project.frameworks.includes(id))) return true;
  return sources.some((source) => source.language === 'python' && modules.test(source.text));
}

/** Sorts endpoints by file, line, method and path so output is stable. */
export function sortEndpoints(endpoints: CollectedEndpoint[]): CollectedEndpoint[] {
  return endpoints.sort((a, b) => {
    const la = a.sources[0]?.location;
    const lb = b.sources[0]?.location;
    return (
      (la?.file ?? '').localeCompare(lb?.file ?? '') ||
      (la?.line ?? 0) - (lb?.line ?? 0) ||
      a.path.localeCompare(b.path) ||
      a.method.localeCompare(b.method)
    );
  });
}
