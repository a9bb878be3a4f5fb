import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FORMAT_NAMES } from '../src/report/formats.js';
import { SEVERITIES } from '../src/model/types.js';

const read = (path: string): string => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface ActionFile {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

/** The names under `prefix` that expressions reference: `${{ … }}`, and `if:` conditions (expressions without the braces). */
function references(text: string, prefix: string): string[] {
  const names = new Set<string>();
  const expressions = [...text.matchAll(/\$\{\{([^}]*)\}\}/g), ...text.matchAll(/^\s*if:(.*)$/gm)];
  for (const expression of expressions) {
    for (const match of (expression[1] ?? '').matchAll(new RegExp(`${prefix.replace('.', '\\.')}\\.([A-Za-z0-9_-]+)`, 'g'))) names.add(match[1] ?? '');
  }
  return [...names].sort();
}

/** The long options of `apisec audit` a shell script passes (`--fail-on`, `--format` …). */
function optionsIn(script: string): string[] {
  return [...new Set([...script.matchAll(/(?<![\w-])--([a-z][a-z-]+)/g)].map((match) => match[1] ?? ''))].sort();
}

const AUDIT_OPTIONS = read('src/cli/run.ts');

describe('the composite GitHub Action (action.yml)', () => {
  const action = parse(read('action.yml')) as ActionFile;
  const text = read('action.yml');

  it('declares the inputs the brief names and references no other', () => {
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['name', 'dir', 'fail-on', 'baseline']));
    expect(action.inputs.name?.required).toBe(true);
    expect(references(text, 'inputs')).toEqual(Object.keys(action.inputs).sort());
    for (const input of Object.values(action.inputs)) expect(input.description.length).toBeGreaterThan(10);
    expect(['', ...SEVERITIES]).toContain(action.inputs['fail-on']?.default);
  });

  it('is a composite action whose step outputs exist', () => {
    expect(action.runs.using).toBe('composite');
    const ids = action.runs.steps.flatMap((step) => (step.id === undefined ? [] : [step.id]));
    for (const name of references(text, 'steps')) expect(ids).toContain(name);
    const audit = action.runs.steps.find((step) => step.id === 'audit');
    const script = audit?.run ?? '';
    for (const output of ['report', 'json', 'sarif', 'exit-code']) expect(script).toContain(`${output}=`);
    for (const output of Object.values(action.outputs)) expect(output.value).toMatch(/^\$\{\{ steps\.audit\.outputs\.[a-z-]+ \}\}$/);
  });

  it('runs apisec audit with options that exist, writes SARIF and uploads it', () => {
    const script = action.runs.steps.find((step) => step.id === 'audit')?.run ?? '';
    expect(script).toContain('dist/cli/main.js');
    expect(script).toContain('--format sarif');
    expect(FORMAT_NAMES).toContain('sarif');
    for (const option of optionsIn(script)) expect(AUDIT_OPTIONS, `--${option}`).toContain(`'--${option}`);
    // Inputs reach the script through the environment, never spliced into its text.
    expect(script).not.toMatch(/\$\{\{/);
    const upload = action.runs.steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@') === true);
    expect(upload?.with?.sarif_file).toBe('${{ steps.audit.outputs.sarif }}');
    const order = action.runs.steps.map((step) => step.id ?? step.uses ?? step.name ?? '');
    expect(order.indexOf('audit')).toBeLessThan(order.findIndex((entry) => entry.startsWith('github/codeql-action/upload-sarif')));
  });
});

describe('the GitLab CI template (ci/gitlab/apisec.gitlab-ci.yml)', () => {
  const template = parse(read('ci/gitlab/apisec.gitlab-ci.yml')) as {
    variables: Record<string, string>;
    apisec: { script: string[]; artifacts: { when: string; paths: string[] }; image: string };
  };

  it('defines every variable it uses that GitLab does not predefine', () => {
    const script = template.apisec.script.join('\n');
    const used = new Set([...script.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((match) => match[1] ?? ''));
    for (const name of used) {
      if (name.startsWith('CI_')) continue;
      if (name === 'args') continue;
      expect(Object.keys(template.variables), name).toContain(name);
    }
  });

  it('runs apisec audit with options that exist, with a baseline from the default branch, and keeps the artifacts', () => {
    const script = template.apisec.script.join('\n');
    expect(script).toContain('apisec audit "$APISEC_NAME" "$APISEC_DIR"');
    // The options given to apisec (not to curl or npm): on the lines that build its arguments.
    const apisecLines = script.split('\n').filter((line) => /args=|apisec audit/.test(line)).join('\n');
    expect(optionsIn(apisecLines)).toEqual(['baseline', 'fail-on', 'format']);
    for (const option of optionsIn(apisecLines)) expect(AUDIT_OPTIONS).toContain(`'--${option}`);
    expect(script).toContain('--baseline apisec-baseline.json');
    expect(script).toContain('jobs/artifacts/$CI_DEFAULT_BRANCH/raw/.metapowers/security/$APISEC_NAME/02-protect.json');
    expect(template.apisec.artifacts.when).toBe('always');
    expect(template.apisec.artifacts.paths).toEqual(['.metapowers/security/$APISEC_NAME/']);
    expect(template.apisec.image).toMatch(/^node:20/);
  });
});
