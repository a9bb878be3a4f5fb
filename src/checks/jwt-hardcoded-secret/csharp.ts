import type { Node } from 'web-tree-sitter';
import { csProjectOf, isCsTestFile, localValue } from '../../collectors/code/csharp/flow.js';
import { CsProject, enclosingClass, field, invocationParts, kids, typeName, walk, type CsFile } from '../../collectors/code/csharp/project.js';
import type { SourceFile } from '../../engine/context.js';

export interface SigningSecret {
  /** The string literal holding the key, and its file. */
  literal: Node;
  literalSource: SourceFile;
  value: string;
  /** The constant it is read through, when it is one (`AuthorizationConstants.JWT_SECRET_KEY`). */
  constant?: string;
  /** `config["Jwt:Key"] ?? "…"`: the literal is only a fallback. */
  fallback?: string;
  /** Where the key is made (`new SymmetricSecurityKey(…)`). */
  call: Node;
  source: SourceFile;
}

const BYTES = /^(?:GetBytes|FromBase64String|FromHexString)$/;

function literalOf(project: CsProject, file: CsFile, node: Node | undefined, depth = 0): { literal: Node; literalSource: SourceFile; value: string; constant?: string; fallback?: string } | undefined {
  if (!node || depth > 5) return undefined;
  if (node.type === 'string_literal' || node.type === 'verbatim_string_literal' || node.type === 'raw_string_literal') {
    const value = project.stringValue(node);
    return value === undefined ? undefined : { literal: node, literalSource: file.source, value };
  }
  if (node.type === 'parenthesized_expression' || node.type === 'argument') return literalOf(project, file, kids(node)[0], depth + 1);
  if (node.type === 'binary_expression' && node.children.some((child) => child?.type === '??')) {
    const right = literalOf(project, file, field(node, 'right'), depth + 1);
    return right ? { ...right, fallback: field(node, 'left')?.text ?? '' } : undefined;
  }
  const parts = invocationParts(node);
  if (parts && BYTES.test(parts.name)) return literalOf(project, file, parts.args[0], depth + 1);
  if (node.type === 'identifier') {
    const local = localValue(node.text, node);
    if (local) return literalOf(project, file, local, depth + 1);
    const cls = enclosingClass(project, file, node);
    const constant = cls?.constants.get(node.text);
    const found = constant ? literalOf(project, file, constant, depth + 1) : undefined;
    return found ? { ...found, constant: node.text } : undefined;
  }
  if (node.type === 'member_access_expression') {
    const owner = field(node, 'expression');
    const name = field(node, 'name')?.text;
    const target = owner && name ? project.classOf(owner.text, file) : undefined;
    const constant = target && name ? target.constants.get(name) : undefined;
    const found = constant && target ? literalOf(project, target.file, constant, depth + 1) : undefined;
    return found ? { ...found, constant: node.text } : undefined;
  }
  return undefined;
}

/** Keys of `new SymmetricSecurityKey(…)` whose bytes come from a string written in the code. */
export function csharpSecrets(sources: readonly SourceFile[]): SigningSecret[] {
  const csharp = sources.filter((source) => source.language === 'csharp' && !isCsTestFile(source.file));
  if (!csharp.some((source) => source.text.includes('SymmetricSecurityKey'))) return [];
  const project = csProjectOf(sources);
  const out: SigningSecret[] = [];
  for (const file of project.files) {
    if (!file.source.text.includes('SymmetricSecurityKey')) continue;
    walk(file.source.tree.rootNode, (node) => {
      if (node.type !== 'object_creation_expression' || typeName(field(node, 'type')?.text ?? '') !== 'SymmetricSecurityKey') return true;
      const arg = kids(field(node, 'arguments') ?? node).find((child) => child.type === 'argument');
      const found = literalOf(project, file, arg);
      if (found && found.value !== '') out.push({ ...found, call: node, source: file.source });
      return true;
    });
  }
  return out;
}

/**
 * Signing keys read from configuration (`builder.Configuration["Jwt:Key"]`,
 * `config.GetValue<string>("JwtSettings:Secret")`, `GetSection("Jwt")["Key"]`,
 * `GetSection("Jwt:Key").Value`, `GetSection("Jwt").Get<JwtOptions>().Secret`) whose value is committed
 * in an `appsettings.json` that production loads: the base file and `appsettings.Production.json` /
 * `appsettings.Staging.json`. `appsettings.Development.json` (and Docker, Local, Test variants) only
 * applies to a developer's machine, and placeholders (`"your-secret-here"`, `"<jwt-key>"`, `"${JWT_KEY}"`,
 * `""`) are not keys: neither is reported.
 */
export interface ConfigSecret {
  /** The configuration path as the code reads it (`Jwt:Key`). */
  key: string;
  value: string;
  file: string;
  line: number;
  call: Node;
  source: SourceFile;
}

const PRODUCTION_SETTINGS = /(^|\/)appsettings(\.(production|prod|staging))?\.json$/i;
const PLACEHOLDER = /^$|your|change.?me|replace|placeholder|example|sample|dummy|<[^>]*>|\$\{|\{\{|#\{|^__.*__$|^x{3,}$|^\*+$|todo|fixme|set.?(in|by|via)|override/i;

/** A local's value, in a method or in Program.cs top-level statements (which have no enclosing method). */
function valueOf(name: string, use: Node): Node | undefined {
  const local = localValue(name, use);
  if (local) return local;
  let root: Node = use;
  while (root.parent) root = root.parent;
  let value: Node | undefined;
  for (const statement of kids(root)) {
    if (statement.type !== 'global_statement' || statement.startIndex >= use.startIndex) continue;
    walk(statement, (child) => {
      if (child.type === 'lambda_expression' || child.type === 'local_function_statement') return false;
      if (child.type === 'variable_declarator' && kids(child)[0]?.text === name) {
        const init = kids(child).find((part) => part.type === 'equals_value_clause');
        value = init ? kids(init)[0] : kids(child)[1];
      }
      return true;
    });
  }
  return value;
}

/** The configuration path an expression reads, or undefined. */
function configPath(node: Node | undefined, depth = 0): string | undefined {
  if (!node || depth > 6) return undefined;
  if (node.type === 'parenthesized_expression' || node.type === 'argument' || node.type === 'postfix_unary_expression') return configPath(kids(node)[0], depth + 1);
  if (node.type === 'binary_expression' && node.children.some((child) => child?.type === '??')) return configPath(field(node, 'left'), depth + 1);
  if (node.type === 'identifier') {
    const local = valueOf(node.text, node);
    return local ? configPath(local, depth + 1) : undefined;
  }
  const literal = (arg: Node | undefined): string | undefined => (arg && /string_literal$/.test(arg.type) ? /^@?"([^"]*)"$/.exec(arg.text)?.[1] : undefined);
  if (node.type === 'element_access_expression') {
    const key = literal(kids(kids(field(node, 'subscript') ?? node).find((child) => child.type === 'argument') ?? node)[0]);
    if (key === undefined) return undefined;
    const section = sectionOf(field(node, 'expression'), depth);
    return section ? `${section}:${key}` : key;
  }
  const parts = invocationParts(node);
  if (parts && /^(GetValue|GetRequiredValue)$/.test(parts.name)) {
    const key = literal(parts.args[0]);
    if (key === undefined) return undefined;
    const section = sectionOf(parts.receiver, depth);
    return section ? `${section}:${key}` : key;
  }
  if (node.type === 'member_access_expression') {
    const name = field(node, 'name')?.text ?? '';
    const owner = field(node, 'expression');
    if (name === 'Value') return sectionOf(owner, depth);
    const bound0 = owner ? optionsPath(owner, name) : undefined;
    if (bound0) return bound0;
    // `jwtOptions.Key` of a local filled by `config.GetSection("Jwt").Bind(jwtOptions)`.
    const boundType = owner?.type === 'identifier' ? instanceType(owner) : undefined;
    const boundSection = boundType ? sectionOfType(boundType) : undefined;
    if (boundSection) return `${boundSection}:${name}`;
    // `settings.Secret` of `var settings = config.GetSection("Jwt").Get<JwtSettings>()`.
    let bound = owner?.type === 'identifier' ? valueOf(owner.text, owner) : owner;
    while (bound && (bound.type === 'postfix_unary_expression' || bound.type === 'parenthesized_expression')) bound = kids(bound)[0];
    const boundParts = bound ? invocationParts(bound) : undefined;
    if (boundParts && /^(Get|GetRequiredSection)$/.test(boundParts.name)) {
      const section = boundParts.name === 'Get' ? sectionOf(boundParts.receiver, depth) : literal(boundParts.args[0]);
      return section ? `${section}:${name}` : undefined;
    }
  }
  return undefined;
}

/** Options classes bound to a configuration section (`Configure<JwtOptions>(config.GetSection("Jwt"))`), for the current run. */
let optionSections = new Map<string, { section: string; file: string }[]>();
/** The file being read: two services of one repository may bind same-named option classes to different sections. */
let readingFile = '';

/** The section `type` is bound to, by the binding nearest the file being read (the same service's Program.cs). */
function sectionOfType(type: string): string | undefined {
  const bindings = optionSections.get(type);
  if (!bindings?.length) return undefined;
  const shared = (file: string): number => {
    const a = file.split('/');
    const b = readingFile.split('/');
    let i = 0;
    while (i < a.length - 1 && i < b.length - 1 && a[i] === b[i]) i += 1;
    return i;
  };
  return [...bindings].sort((x, y) => shared(y.file) - shared(x.file))[0]?.section;
}
let optionsProject: CsProject | undefined;

/** `BindConfiguration(nameof(JwtOptions))`, `GetSection(JwtOptions.SectionName)`, `"Jwt"`: the section name. */
function sectionName(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (/string_literal$/.test(node.type)) return /^@?"([^"]*)"$/.exec(node.text)?.[1];
  const parts = invocationParts(node);
  if (parts?.name === 'nameof') return parts.args[0]?.text.split('.').at(-1);
  if (node.type === 'member_access_expression' && optionsProject) {
    const owner = field(node, 'expression')?.text ?? '';
    const constant = optionsProject.classOf(owner)?.constants.get(field(node, 'name')?.text ?? '');
    return constant && /string_literal$/.test(constant.type) ? /^@?"([^"]*)"$/.exec(constant.text)?.[1] : undefined;
  }
  return undefined;
}

function bindSection(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const parts = invocationParts(node);
  if (parts && /^(GetSection|GetRequiredSection)$/.test(parts.name)) {
    const inner = sectionName(parts.args[0]);
    const outer = parts.receiver ? bindSection(parts.receiver) : undefined;
    return inner && outer ? `${outer}:${inner}` : inner;
  }
  return undefined;
}

function collectOptionSections(project: CsProject): Map<string, { section: string; file: string }[]> {
  const out = new Map<string, { section: string; file: string }[]>();
  const bind = (type: string, section: string, file: string): void => {
    out.set(type, [...(out.get(type) ?? []), { section, file }]);
  };
  for (const file of project.files) {
    if (!/Configure<|AddOptions<|BindConfiguration|\.Bind\(/.test(file.source.text)) continue;
    walk(file.source.tree.rootNode, (node) => {
      const parts = invocationParts(node);
      if (!parts) return true;
      if (parts.name === 'Configure' && parts.generic) {
        const section = bindSection(parts.args[0]);
        if (section) bind(typeName(parts.generic), section, file.source.file);
      } else if (parts.name === 'BindConfiguration' || parts.name === 'Bind') {
        let receiver = parts.receiver;
        while (receiver && invocationParts(receiver) && invocationParts(receiver)?.name !== 'AddOptions') receiver = invocationParts(receiver)?.receiver;
        const options = receiver ? invocationParts(receiver) : undefined;
        if (options?.name === 'AddOptions') {
          const section = parts.name === 'BindConfiguration' ? sectionName(parts.args[0]) : bindSection(parts.args[0]);
          if (options.generic && section) bind(typeName(options.generic), section, file.source.file);
        } else if (parts.name === 'Bind' && parts.args.length > 0) {
          // `config.GetSection("Jwt").Bind(settings)`, `config.Bind("Jwt", settings)`, `Configure<T>(o => section.Bind(o))`.
          const [first, second] = parts.args;
          const outer = parts.receiver ? bindSection(parts.receiver) : undefined;
          const inner = second ? sectionName(first) : undefined;
          const section = second ? (inner && outer ? `${outer}:${inner}` : inner) : outer;
          const type = instanceType(second ?? first);
          if (section && type) bind(type, section, file.source.file);
        }
      }
      return true;
    });
  }
  return out;
}

/**
 * The class of the object an expression names: `new JwtSettings()`, a local declared `JwtSettings s = new()` or
 * `var s = new JwtSettings()`, a field or parameter of that type, or the parameter of `Configure<JwtSettings>(o => …)`.
 */
function instanceType(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'object_creation_expression') return typeName(field(node, 'type')?.text ?? '');
  if (node.type !== 'identifier') return undefined;
  const name = node.text;
  for (let up: Node | null = node.parent; up; up = up.parent) {
    if (up.type !== 'lambda_expression') continue;
    const parameters = field(up, 'parameters') ?? kids(up)[0];
    if (!parameters || !(parameters.text === name || kids(parameters).some((parameter) => (field(parameter, 'name') ?? parameter).text === name))) continue;
    let call: Node | null = up.parent;
    while (call && (call.type === 'argument' || call.type === 'argument_list')) call = call.parent;
    const parts = call ? invocationParts(call) : undefined;
    return parts?.name === 'Configure' && parts.generic ? typeName(parts.generic) : undefined;
  }
  let root: Node = node;
  while (root.parent) root = root.parent;
  let found: string | undefined;
  walk(root, (child) => {
    if (child.type !== 'variable_declaration' || child.startIndex > node.startIndex) return child.startIndex <= node.startIndex;
    const declarator = kids(child).find((part) => part.type === 'variable_declarator' && kids(part)[0]?.text === name);
    if (!declarator) return true;
    const declared = field(child, 'type');
    if (declared && declared.type !== 'implicit_type' && declared.text !== 'var') found = typeName(declared.text);
    else {
      const init = kids(declarator).find((part) => part.type === 'equals_value_clause');
      const value = init ? kids(init)[0] : kids(declarator)[1];
      if (value?.type === 'object_creation_expression') found = typeName(field(value, 'type')?.text ?? '');
    }
    return true;
  });
  if (found) return found;
  const member = memberType(name, node);
  return member ? typeName(member) : undefined;
}

/** The declared type of a field, property or parameter named `name` in the class around `use`. */
function memberType(name: string, use: Node): string | undefined {
  let cls: Node | null = use.parent;
  while (cls && !/^(class|record|struct)_declaration$/.test(cls.type)) cls = cls.parent;
  if (!cls) return undefined;
  let found: string | undefined;
  walk(cls, (node) => {
    if (found) return false;
    if (node.type === 'variable_declaration' && kids(node).some((child) => child.type === 'variable_declarator' && kids(child)[0]?.text === name)) found = field(node, 'type')?.text;
    else if ((node.type === 'parameter' || node.type === 'property_declaration') && field(node, 'name')?.text === name) found = field(node, 'type')?.text;
    return !found;
  });
  return found;
}

/** `_options.SigningKey`, `options.Value.Key`, `_jwt.CurrentValue.Secret` of an options class bound to a section. */
function optionsPath(owner: Node, property: string): string | undefined {
  if (optionSections.size === 0) return undefined;
  let base = owner;
  if (base.type === 'member_access_expression' && /^(Value|CurrentValue)$/.test(field(base, 'name')?.text ?? '')) base = field(base, 'expression') ?? base;
  if (base.type === 'member_access_expression' && field(base, 'expression')?.type === 'this_expression') base = field(base, 'name') ?? base;
  if (base.type !== 'identifier') return undefined;
  const declared = memberType(base.text, base);
  if (!declared) return undefined;
  const type = typeName(/^IOptions(?:Snapshot|Monitor)?<(.+)>$/.exec(declared)?.[1] ?? declared);
  const section = sectionOfType(type);
  return section ? `${section}:${property}` : undefined;
}

/** `config.GetSection("Jwt")` → `Jwt`; nested sections join with `:`; a plain configuration object → ''. */
function sectionOf(node: Node | undefined, depth: number): string | undefined {
  if (!node || depth > 6) return undefined;
  const parts = invocationParts(node);
  if (parts && /^(GetSection|GetRequiredSection)$/.test(parts.name)) {
    const key = parts.args[0] && /string_literal$/.test(parts.args[0].type) ? /^@?"([^"]*)"$/.exec(parts.args[0].text)?.[1] : undefined;
    if (key === undefined) return undefined;
    const outer = sectionOf(parts.receiver, depth + 1);
    return outer ? `${outer}:${key}` : key;
  }
  if (node.type === 'identifier') {
    const local = valueOf(node.text, node);
    if (local) return sectionOf(local, depth + 1);
  }
  return '';
}

/** A JSON settings file with `//` comments and trailing commas, as .NET reads it. */
function parseSettings(text: string): unknown {
  const stripped = text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (match, str: string | undefined) => str ?? '').replace(/,(\s*[}\]])/g, '$1');
  try {
    return JSON.parse(stripped) as unknown;
  } catch {
    return undefined;
  }
}

function lookup(settings: unknown, path: string): string | undefined {
  let current: unknown = settings;
  for (const segment of path.split(':')) {
    if (typeof current !== 'object' || current === null) return undefined;
    const entry = Object.entries(current as Record<string, unknown>).find(([key]) => key.toLowerCase() === segment.toLowerCase());
    current = entry?.[1];
  }
  return typeof current === 'string' ? current : undefined;
}

export function csharpConfigSecrets(sources: readonly SourceFile[], infra: readonly { file: string; kind: string; text: string }[]): ConfigSecret[] {
  const settings = infra.filter((file) => file.kind === 'dotnet-config' && PRODUCTION_SETTINGS.test(file.file) && !/(^|\/)(tests?|[\w.]*Tests?)\//i.test(file.file));
  if (settings.length === 0) return [];
  const csharp = sources.filter((source) => source.language === 'csharp' && !isCsTestFile(source.file) && source.text.includes('SymmetricSecurityKey'));
  const parsed = settings.map((file) => ({ file, json: parseSettings(file.text) }));
  optionsProject = csProjectOf(sources);
  optionSections = collectOptionSections(optionsProject);
  const out: ConfigSecret[] = [];
  for (const source of csharp) {
    readingFile = source.file;
    walk(source.tree.rootNode, (node) => {
      if (node.type !== 'object_creation_expression' || typeName(field(node, 'type')?.text ?? '') !== 'SymmetricSecurityKey') return true;
      let arg: Node | undefined = kids(kids(field(node, 'arguments') ?? node).find((child) => child.type === 'argument') ?? node)[0];
      for (let hop = 0; arg && hop < 4; hop += 1) {
        // `var key = Encoding.ASCII.GetBytes(_jwtSettings.Secret); new SymmetricSecurityKey(key)`.
        const held = arg.type === 'identifier' ? valueOf(arg.text, arg) : undefined;
        if (held && invocationParts(held) && BYTES.test(invocationParts(held)?.name ?? '')) {
          arg = held;
          continue;
        }
        const parts = invocationParts(arg);
        if (!parts || !BYTES.test(parts.name)) break;
        arg = parts.args[0];
      }
      const key = configPath(arg);
      if (!key) return true;
      for (const { file, json } of parsed) {
        // A project's settings sit in its own folder, at or above the code that reads them.
        const folder = file.file.includes('/') ? file.file.slice(0, file.file.lastIndexOf('/') + 1) : '';
        if (!source.file.startsWith(folder)) continue;
        const value = lookup(json, key);
        if (value === undefined || PLACEHOLDER.test(value.trim())) continue;
        const leaf = key.split(':').at(-1) ?? key;
        const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const index = file.text.search(new RegExp(`"${escaped(leaf)}"\\s*:\\s*${escaped(JSON.stringify(value))}`, 'i'));
        const line = index < 0 ? 1 : file.text.slice(0, index).split('\n').length;
        out.push({ key, value, file: file.file, line, call: node, source });
      }
      return true;
    });
  }
  return out;
}
