import ignore, { type Ignore } from 'ignore';
import type { FileKind } from './discover.js';

/**
 * Why a file is out of scope by default: it never serves a request, so what it contains is not a
 * weakness of the API (test assertions, snippets a docs site shows, a vendored library, a bundle).
 * Semgrep's default ignores are the reference; `--include-tests` and the config's `include`
 * bring files back, the config's `exclude` leaves more out.
 */
export type ScopeReason = 'test' | 'example' | 'docs' | 'storybook' | 'tooling' | 'vendored' | 'generated' | 'minified' | 'excluded';

export const SCOPE_REASONS: readonly ScopeReason[] = ['test', 'example', 'docs', 'storybook', 'tooling', 'vendored', 'generated', 'minified', 'excluded'];

export const SCOPE_REASON_LABELS: Readonly<Record<ScopeReason, string>> = {
  test: 'tests and their fixtures',
  example: 'examples and samples',
  docs: 'documentation snippets',
  storybook: 'storybook stories',
  tooling: 'scripts and developer tooling',
  vendored: 'vendored third-party code',
  generated: 'generated code',
  minified: 'minified or bundled code',
  excluded: 'config `exclude`',
};

const TEST_DIRECTORIES = new Set([
  'test',
  'tests',
  '__tests__',
  '__mocks__',
  '__fixtures__',
  'fixtures',
  'testdata',
  'test_data',
  'test-data',
  'e2e',
  'e2e-tests',
  'e2e_tests',
  'cypress',
  'test-utils',
  'test_utils',
  'testutils',
  'testing-utils',
  'integration-tests',
  'integration_tests',
  'unit-tests',
  'unit_tests',
  'functional-tests',
  'functional_tests',
  'acceptance-tests',
  'api-tests',
]);
/** JavaScript and Ruby keep their tests in `spec/`; specification documents live there too, so only source files go. */
const SOURCE_TEST_DIRECTORIES = new Set(['spec', 'specs']);
const EXAMPLE_DIRECTORIES = new Set(['example', 'examples', 'sample', 'samples', '_examples']);
/** Docs folders hold the project's real OpenAPI documents as often as snippets: only source files go. */
const DOCS_DIRECTORIES = new Set(['doc', 'docs', 'documentation', 'docs_src', 'docs-src']);
const STORYBOOK_DIRECTORIES = new Set(['.storybook', 'stories', '__stories__']);
/** What Storybook's `stories/` folder holds besides `*.stories.*`: example components and docs pages. */
const STORYBOOK_COMPONENT = /\.(?:[cm]?jsx|tsx|vue|svelte|mdx|css|scss)$/;
/** Scripts run by developers and CI (code generation, seeding, health probes), never by the server. */
const TOOLING_DIRECTORIES = new Set(['scripts', 'script', 'tools', 'hack', 'benchmarks', 'benchmark', '.github', '.circleci', '.husky']);
/** `dev/` is tooling at the top of the tree (`dev/code-generation`); deeper it may be a dev-only module of the app. */
const TOP_TOOLING_DIRECTORIES = new Set(['dev', 'bench', 'ci']);
const VENDORED_DIRECTORIES = new Set(['third_party', 'third-party', 'thirdparty', 'bower_components', 'jspm_packages', '.yarn']);

const TEST_FILE_PATTERNS: readonly RegExp[] = [
  /^test_.*\.py$/,
  /_tests?\.py$/,
  /^tests\.py$/,
  /^conftest\.py$/,
  /\.(?:test|spec|e2e-spec|e2e)\.[cm]?[jt]sx?$/,
  /_test\.go$/,
  /(?:Tests?|IT)\.(?:java|kt)$/,
  /_spec\.rb$/,
  /_test\.rb$/,
  /Test\.php$/,
  /Tests?\.cs$/,
];
const STORYBOOK_FILE = /\.(?:stories|story)\.[cm]?[jt]sx?$|\.stories\.mdx$/;
const MINIFIED_FILE = /[.-]min\.[cm]?js$|\.(?:bundle|chunk)\.[cm]?js$/;
const GENERATED_FILE = /_pb2(?:_grpc)?\.pyi?$|\.pb(?:\.gw)?\.go$|_grpc\.pb\.go$|\.generated\.[a-z]+$|\.gen\.[cm]?[jt]s$|\.d\.[cm]?ts$/;

/**
 * File-system routing (Next.js `app/…/route.ts`, `pages/api/…`, SvelteKit `+server.ts`): folder names
 * there are URL segments, so `app/api/scripts/telemetry/route.ts` serves `/api/scripts/telemetry`.
 */
function routedByFileSystem(segments: readonly string[], name: string): boolean {
  if (/^(?:route|page|layout)\.[cm]?[jt]sx?$|^\+(?:server|page\.server)\.[jt]s$/.test(name)) return true;
  const pages = segments.indexOf('pages');
  return pages !== -1 && segments[pages + 1] === 'api';
}

/** The reason a path is out of scope by default, from its folders and its name. */
export function scopeReasonOfPath(path: string, kind: FileKind): ScopeReason | undefined {
  const segments = path.split('/');
  const name = segments.pop() ?? path;
  const source = kind === 'source';
  const routed = source && routedByFileSystem(segments, name);
  // Below `src/main/java|kotlin/` folders are package names (`com/example/demo`, `org/acme/docs`), not folder roles.
  const packages = segments.findIndex((segment, index) => index >= 2 && /^(java|kotlin)$/.test(segment) && segments[index - 1] === 'main' && segments[index - 2] === 'src');
  for (const [index, segment] of segments.entries()) {
    if (routed || (packages !== -1 && index > packages)) break;
    const lower = segment.toLowerCase();
    if (source && (TOOLING_DIRECTORIES.has(lower) || (index === 0 && TOP_TOOLING_DIRECTORIES.has(lower)))) return 'tooling';
    if (TEST_DIRECTORIES.has(lower) || (source && SOURCE_TEST_DIRECTORIES.has(lower))) return 'test';
    if (EXAMPLE_DIRECTORIES.has(lower)) return 'example';
    if (source && DOCS_DIRECTORIES.has(lower)) return 'docs';
    // `stories/` is also a backend feature (news stories, user stories): there only the components Storybook generates go.
    if (STORYBOOK_DIRECTORIES.has(lower) && (lower !== 'stories' || !source || STORYBOOK_COMPONENT.test(name))) return 'storybook';
    if (VENDORED_DIRECTORIES.has(lower)) return 'vendored';
  }
  if (!source) return undefined;
  if (TEST_FILE_PATTERNS.some((pattern) => pattern.test(name))) return 'test';
  if (STORYBOOK_FILE.test(name)) return 'storybook';
  if (MINIFIED_FILE.test(name)) return 'minified';
  if (GENERATED_FILE.test(name)) return 'generated';
  return undefined;
}

const HEADER_CHARS = 1024;
const GENERATED_HEADER =
  /Code generated .{0,120}DO NOT EDIT|@generated\b|\b(?:auto-?generated|automatically generated|generated automatically) (?:by|from|file|code)|This file (?:is|was|has been) (?:auto-?|automatically )?generated|^#\s*Generated by Django \d/im;
const BUNDLER_MARKER = /webpackBootstrap|__webpack_require__|\bparcelRequire\b|System\.register\(\[|\/\*\*\*\*\*\*\/ /;
/** Minified code: long lines on average, or one enormous line that is most of the file. */
const MINIFIED_AVERAGE_LINE = 300;
const MINIFIED_AVERAGE_LINE_WITH_MAP = 120;
const MINIFIED_LONGEST_LINE = 10_000;
const MIN_TEXT_FOR_SHAPE = 1024;
/**
 * Minified code re-wrapped into lines of a hundred columns or so (a vendored standalone bundle such as
 * `@scalar/api-reference`'s, 38,000 lines): no line is indented, and hardly a character is a space,
 * where written code in any language indents most of its lines and spends a fifth of its text on
 * spaces. A long file of unindented top-level statements (a constants module) still has its spaces.
 */
const WRAPPED_MIN_LINES = 500;
/** Wrapped minified lines are long (the bundle's average 91 columns); a file of `(` or `]` lines is not minified code. */
const WRAPPED_MIN_AVERAGE_LINE = 40;
const WRAPPED_MAX_INDENTED = 0.01;
const WRAPPED_MAX_BLANKS = 0.05;

/** The reason a source file's text puts it out of scope: minified, bundled or generated. Linear in the text. */
export function scopeReasonOfText(text: string): ScopeReason | undefined {
  const head = text.slice(0, HEADER_CHARS);
  if (GENERATED_HEADER.test(head)) return 'generated';
  if (BUNDLER_MARKER.test(head)) return 'minified';
  if (text.length < MIN_TEXT_FOR_SHAPE) return undefined;
  let lines = 1;
  let longest = 0;
  let start = 0;
  let indented = 0;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) {
    lines++;
    if (index - start > longest) longest = index - start;
    const first = text.charCodeAt(start);
    if (first === 32 || first === 9) indented++;
    start = index + 1;
  }
  if (text.length - start > longest) longest = text.length - start;
  const average = text.length / lines;
  if (average > MINIFIED_AVERAGE_LINE) return 'minified';
  if (longest > MINIFIED_LONGEST_LINE && longest * 2 > text.length) return 'minified';
  if (average > MINIFIED_AVERAGE_LINE_WITH_MAP && /[#@] sourceMappingURL=/.test(text.slice(-512))) return 'minified';
  if (lines >= WRAPPED_MIN_LINES && average >= WRAPPED_MIN_AVERAGE_LINE && indented < lines * WRAPPED_MAX_INDENTED && blankShare(text) < WRAPPED_MAX_BLANKS) return 'minified';
  return undefined;
}

/** The share of spaces and tabs in a text (its first 256 KiB). */
function blankShare(text: string): number {
  const end = Math.min(text.length, 256 * 1024);
  let blanks = 0;
  for (let index = 0; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code === 32 || code === 9) blanks++;
  }
  return blanks / Math.max(end, 1);
}

export interface ScopeOptions {
  /** Bring tests and their fixtures back (`--include-tests`). */
  includeTests?: boolean;
  /** gitignore-style patterns that bring files back whatever the default rules say. */
  include?: readonly string[];
  /** gitignore-style patterns that leave files out. */
  exclude?: readonly string[];
}

export interface ScopeRules {
  /** The reason `path` is left out, or undefined when it is audited. */
  ofPath(path: string, kind: FileKind): ScopeReason | undefined;
  /** Whether a default text-based exclusion may apply (not when `include` names the file). */
  mayExcludeByText(path: string): boolean;
}

function matcher(patterns: readonly string[] | undefined): Ignore | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  return ignore({ ignorecase: false }).add([...patterns]);
}

function matches(rules: Ignore | undefined, path: string): boolean {
  if (!rules) return false;
  try {
    return rules.ignores(path);
  } catch {
    return false;
  }
}

export function scopeRules(options: ScopeOptions = {}): ScopeRules {
  const include = matcher(options.include);
  const exclude = matcher(options.exclude);
  return {
    ofPath(path, kind) {
      if (matches(include, path)) return undefined;
      if (matches(exclude, path)) return 'excluded';
      const reason = scopeReasonOfPath(path, kind);
      if (reason === 'test' && options.includeTests === true) return undefined;
      return reason;
    },
    mayExcludeByText(path) {
      return !matches(include, path);
    },
  };
}

export interface ExcludedFile {
  path: string;
  reason: ScopeReason;
}

/** Counts per reason, in the fixed order of `SCOPE_REASONS`, zeros left out. */
export function countExcluded(excluded: readonly ExcludedFile[]): Partial<Record<ScopeReason, number>> {
  const counts: Partial<Record<ScopeReason, number>> = {};
  for (const reason of SCOPE_REASONS) {
    const count = excluded.filter((file) => file.reason === reason).length;
    if (count > 0) counts[reason] = count;
  }
  return counts;
}
