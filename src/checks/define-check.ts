import type {
  Confidence,
  Endpoint,
  Evidence,
  Location,
  OwaspCategory,
  SectionId,
  Severity,
} from '../model/types.js';
import type { CheckContext } from '../engine/context.js';
import type { SourceLanguage } from '../parsing/languages.js';

/** What a check analyses; the engine skips a check when the workspace has none of its targets. */
export type CheckTarget = 'openapi' | 'graphql' | 'proto' | 'code' | 'inventory';

export interface CheckMeta<MessageId extends string> {
  /** kebab-case, names the weakness; equals the folder name. Never reused. */
  id: string;
  /** A noun phrase. */
  title: string;
  owasp: OwaspCategory;
  /** e.g. ['CWE-639']. */
  cwe: string[];
  severity: Severity;
  confidence: Confidence;
  section: Exclude<SectionId, 'inventory'> | 'inventory';
  targets: CheckTarget[];
  /** Why it matters: one or two sentences. */
  rationale: string;
  /** What to do: starts with a verb; shows the framework's own fix where there is one. */
  remediation: string;
  /** Message templates by id. `{{name}}` is replaced with `data.name`. Each is a sentence. */
  messages: Record<MessageId, string>;
  /** Rule ids of peer tools this check covers (e.g. Spectral's `owasp:api4:2023-array-limit`); the benchmark maps them. */
  peerRules?: string[];
  /** Still being calibrated: runs only when asked for (`--experimental`, `experimental: true`). */
  experimental?: boolean;
  /**
   * Reads `ctx.workspaceEndpoints`, the endpoints other units serve (a front end calling a back end in
   * another language): which of them it reads. Only those are copied to the worker threads, and only
   * when the check runs (every endpoint of a large tree in every worker is most of its memory).
   */
  readsWorkspace?: (endpoint: Endpoint) => boolean;
  /**
   * The only languages whose sources the check reads, when it reads few: a unit without them has nothing
   * for it (the engine then need not keep or parse that unit's trees for it; see engine/units.ts `EarlyChecks`).
   */
  languages?: readonly SourceLanguage[];
  /**
   * Spec checks that report the same weakness from the API description: where one of them and this
   * (code) check fire on the same endpoint, the code decides and the spec's place joins this finding.
   */
  specCounterparts?: string[];
}

export interface ReportDescriptor<MessageId extends string> {
  messageId: MessageId;
  data?: Record<string, string | number>;
  location: Location;
  endpointId?: string;
  evidence?: Evidence;
  /** Overrides the check's default, e.g. calibrated by exposure and sensitivity. */
  severity?: Severity;
  confidence?: Confidence;
  /** Number of places sharing this root cause, when reported once for all of them. */
  occurrences?: number;
  /** Extra text that makes the fingerprint unique when location and snippet are not enough. */
  key?: string;
  /**
   * Places of one check reporting the same root cause (the same options copied into many calls, one
   * app-wide gap seen on many endpoints) become one finding that lists them all. Its fingerprint
   * comes from the root cause, so it stays the same as copies are added or removed.
   */
  rootCause?: string;
}

export type Report<MessageId extends string> = (descriptor: ReportDescriptor<MessageId>) => void;

export interface Check<MessageId extends string = string> extends CheckMeta<MessageId> {
  /** Pure: reads the context, reports findings; never throws for a finding, never does I/O. */
  run(ctx: CheckContext, report: Report<MessageId>): void;
}

/** Typed factory: the compiler checks that every reported messageId exists in `messages`. */
export default function defineCheck<MessageId extends string>(check: Check<MessageId>): Check<MessageId> {
  return check;
}

export type AnyCheck = Check;
