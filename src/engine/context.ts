import type { Tree } from 'web-tree-sitter';
import type { Api, Diagnostic, Endpoint, Location } from '../model/types.js';
import type { SourceLanguage } from '../parsing/languages.js';

/** A JSON value as parsed from a spec. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A node reached inside a spec document: its value and where it stands. */
export interface SpecNode<T extends JsonValue = JsonValue> {
  value: T;
  /** The file the node is in (relative path); differs from the document's file after a cross-file `$ref`. */
  file: string;
  /** JSON pointer of the node inside `file`. */
  pointer: string;
}

/** One OpenAPI (2.0, 3.0, 3.1) document, parsed once, with source lines for every node. */
export interface SpecDocument {
  /** Relative path, `/` separators. */
  file: string;
  /** 'swagger-2.0' | 'openapi-3.0' | 'openapi-3.1'. */
  format: 'swagger-2.0' | 'openapi-3.0' | 'openapi-3.1';
  /** The `openapi` / `swagger` field as written. */
  version: string;
  /** The document as parsed: `$ref`s are not replaced. */
  root: JsonObject;
  /**
   * Follows `$ref` chains (local `#/...` and relative files; never http) from `node`.
   * Returns the target, or the node itself when it is not a `$ref`; undefined when the ref is
   * dangling, remote or cyclic (a diagnostic is recorded once per bad ref).
   */
  resolve(node: SpecNode): SpecNode | undefined;
  /** The child of `node` at `key` (object key or array index), or undefined. Does not follow refs. */
  child(node: SpecNode, key: string | number): SpecNode | undefined;
  /** 1-based line of the node at `pointer` in `file` (nearest existing ancestor when absent). */
  lineOf(pointer: string, file?: string): number;
  /** A Location for a node, ready for a finding. */
  locate(node: SpecNode | string): Location;
}

export interface GraphqlDocument {
  file: string;
  /** 'sdl' | 'introspection'. */
  format: 'sdl' | 'introspection';
  /** The graphql-js schema, when it could be built. */
  schema: import('graphql').GraphQLSchema | undefined;
  /** The file's text, for source lines (introspection results carry none). */
  text?: string;
}

export interface ProtoDocument {
  file: string;
  /** The protobufjs root, parsed from text. */
  root: import('protobufjs').Root;
  /** The file's text: protobufjs keeps no line numbers, so lines are found in it. */
  text?: string;
}

/** A source file parsed once into a syntax tree that collectors and checks query. */
export interface SourceFile {
  file: string;
  language: SourceLanguage;
  text: string;
  tree: Tree;
}

export interface ProjectInfo {
  root: string;
  languages: SourceLanguage[];
  /** Framework ids detected from manifests, e.g. 'fastapi', 'express'. */
  frameworks: string[];
  /** Dependency names read from manifests, by ecosystem. */
  dependencies: Record<string, string[]>;
  /** Declared version ranges, `ecosystem:name` → range as written (`npm:jsonwebtoken` → `^9.0.2`), where a manifest gives one. */
  versions?: Record<string, string>;
}

export interface Inventory {
  apis: Api[];
  endpoints: Endpoint[];
}

export interface AuditConfig {
  /** Endpoints declared public on purpose: `METHOD /path` or `/path` (any method); `*` wildcards. */
  publicEndpoints: string[];
  /** API type overrides: API name, id or spec file → type. */
  apiTypes: Record<string, 'internal' | 'external' | 'partner'>;
  /** Check ids turned off. */
  disabledChecks: string[];
  /** Line of each `disabledChecks` entry in the config file, by index, for messages. */
  disabledCheckLines?: (number | undefined)[];
  /** gitignore-style patterns brought back into scope (tests, examples… are out by default). */
  include?: string[];
  /** gitignore-style patterns left out of the audit. */
  exclude?: string[];
  /** Accepted findings: by fingerprint, or by path glob (and check), each with its reason. */
  ignore?: IgnoreEntry[];
  /** Check id → the severity its findings take. */
  severityOverrides?: Record<string, import('../model/types.js').Severity>;
  /** Seed 003's checklist: the longest acceptable access-token lifetime, in seconds (`accessTokenLifetime: 15m`). */
  accessTokenMaxSeconds?: number;
  /** Check id → the line of its `severityOverrides` key, for messages. */
  severityOverrideLines?: Record<string, number>;
  /** Where the config came from, for messages. */
  file?: string;
}

export interface IgnoreEntry {
  fingerprint?: string;
  /** gitignore-style pattern, relative to DIR. */
  path?: string;
  check?: string;
  reason: string;
  /** Line of the entry in the config file. */
  line?: number;
}

/** A deployment or gateway file (nginx, Kong, serverless, Terraform, Dockerfile …), as text. */
export interface InfraFile {
  file: string;
  kind: import('../workspace/infra.js').InfraKind;
  text: string;
}

/** Everything a check may read. Checks must not mutate it. */
export interface CheckContext {
  project: ProjectInfo;
  config: AuditConfig;
  /** ISO date (YYYY-MM-DD) used for sunset comparisons; `--today` makes runs reproducible. */
  today: string;
  specs: readonly SpecDocument[];
  graphql: readonly GraphqlDocument[];
  protos: readonly ProtoDocument[];
  sources: readonly SourceFile[];
  /** Deployment and gateway configuration files. */
  infra: readonly InfraFile[];
  inventory: Inventory;
  endpointById: ReadonlyMap<string, Endpoint>;
  /**
   * The workspace's endpoints that the running checks read (`readsWorkspace`), when `inventory` holds
   * only those one analysis unit serves (engine/units.ts): for checks that relate this unit's code (a
   * front end) to routes served in another language. Absent when the inventory is the whole workspace's.
   */
  workspaceEndpoints?: readonly Endpoint[];
}

export interface StageResult<T> {
  value: T;
  diagnostics: Diagnostic[];
}
