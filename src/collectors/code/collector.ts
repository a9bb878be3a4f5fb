import type { Diagnostic, Endpoint } from '../../model/types.js';
import type { InfraFile, ProjectInfo, SourceFile, SpecDocument } from '../../engine/context.js';
import type { SourceLanguage } from '../../parsing/languages.js';

/**
 * An endpoint found in code, before the inventory assigns it to an API and classifies it.
 * `sources` holds one `{ kind: 'code', via: <framework id>, location: <route declaration> }`.
 */
export type CollectedEndpoint = Omit<Endpoint, 'id' | 'apiId' | 'type' | 'tier' | 'tierReason'> & {
  framework: string;
  /** The file that creates the app or server this route belongs to, when known. */
  appFile?: string;
  /**
   * `appFile` names the API only when the workspace's routes of this framework come from several
   * applications (the inventory decides, over every unit: a collector may see one project of several).
   */
  appFileIfSeveral?: true;
  /**
   * Set by the engine, not by collectors: the independent project (engine/projects.ts) whose unit
   * collected the route, when the audit splits the route's language family into projects (`.` for the
   * one at the repository's root). Two projects' routes never share an API or an endpoint.
   */
  project?: string;
};

export interface CollectorResult {
  endpoints: CollectedEndpoint[];
  diagnostics: Diagnostic[];
}

/** One framework's route extraction, knip-style: enablers switch it on. */
export interface CodeCollector {
  id: string;
  languages: readonly SourceLanguage[];
  /** Dependency names (package.json, requirements, pyproject …) that switch it on. */
  enablers: readonly string[];
  /** True when a manifest names an enabler or a source imports the framework. */
  isEnabled(project: ProjectInfo, sources: readonly SourceFile[]): boolean;
  /**
   * Pure: reads the parsed sources (all of them, across files), returns endpoints with locations.
   * `specs` are the workspace's OpenAPI documents, for frameworks whose routes are declared in one (connexion);
   * `infra` the configuration files (Spring's `application.yml` sets the context path).
   */
  collect(sources: readonly SourceFile[], project: ProjectInfo, specs?: readonly SpecDocument[], infra?: readonly InfraFile[]): CollectorResult;
}
