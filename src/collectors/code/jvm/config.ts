/**
 * Spring Boot / Micronaut / Quarkus configuration as the application reads it by default:
 * `application.properties|yml` (and `bootstrap.*`) of the module, overlaid with the profiles its
 * base file activates (`spring.profiles.active`), documents for other profiles left out, and a
 * Spring Cloud Config repository's `{spring.application.name}.yml` when the workspace holds one.
 */
import yaml from 'js-yaml';
import type { InfraFile } from '../../../engine/context.js';
import type { Location } from '../../../model/types.js';

export interface ConfigValue {
  value: string;
  where: Location;
}

export type Properties = Map<string, ConfigValue>;

function lineOfKey(text: string, key: string): number {
  const last = key.split('.').at(-1) ?? key;
  const lines = text.split(/\r?\n/);
  const flat = lines.findIndex((line) => line.trimStart().startsWith(key));
  if (flat >= 0) return flat + 1;
  const nested = lines.findIndex((line) => new RegExp(`^\\s*${last.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\\s*:`).test(line));
  return nested >= 0 ? nested + 1 : 1;
}

/** `key=value`, `key: value`, `key value`; `#`/`!` comments; `\` continuations. */
export function parseProperties(text: string, file: string): Properties {
  const out: Properties = new Map();
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    let line = (lines[index] ?? '').trimStart();
    const start = index;
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && index + 1 < lines.length) {
      index += 1;
      line = line.slice(0, -1) + (lines[index] ?? '').trimStart();
    }
    const match = /^((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (!match) continue;
    out.set((match[1] ?? '').replace(/\\(.)/g, '$1'), { value: (match[2] ?? '').trim(), where: { file, line: start + 1 } });
  }
  return out;
}

function flatten(value: unknown, prefix: string, into: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else if (Array.isArray(value)) {
    into.set(prefix, value.map((item) => String(item)).join(','));
    value.forEach((item, index) => {
      flatten(item, `${prefix}[${index}]`, into);
    });
  } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') into.set(prefix, String(value));
}

/** Each YAML document as flat dotted keys, with the profile the document is for (if any). */
export function parseYamlDocuments(text: string, file: string): { profile: string | undefined; properties: Properties }[] {
  const out: { profile: string | undefined; properties: Properties }[] = [];
  let documents: unknown[];
  try {
    documents = yaml.loadAll(text, undefined, { json: true });
  } catch {
    return [];
  }
  for (const document of documents) {
    const flat = new Map<string, string>();
    flatten(document, '', flat);
    const properties: Properties = new Map();
    for (const [key, value] of flat) properties.set(key, { value, where: { file, line: lineOfKey(text, key) } });
    const profile = flat.get('spring.config.activate.on-profile') ?? flat.get('spring.profiles');
    out.push({ profile, properties });
  }
  return out;
}

function parseConfig(file: InfraFile): { profile: string | undefined; properties: Properties }[] {
  if (file.file.endsWith('.properties')) return [{ profile: undefined, properties: parseProperties(file.text, file.file) }];
  return parseYamlDocuments(file.text, file.file);
}

const BASE = /(^|\/)(application|bootstrap)\.(properties|ya?ml)$/;
const PROFILED = /(^|\/)application-([^/]+)\.(properties|ya?ml)$/;

/** The module folder a resource or source file belongs to (the part before `src/`). */
export function moduleOf(path: string): string {
  const index = path.lastIndexOf('src/');
  if (index < 0) return '';
  return path.slice(0, index);
}

function merge(into: Properties, from: Properties): void {
  for (const [key, value] of from) into.set(key, value);
}

export class JvmConfig {
  private readonly byModule = new Map<string, Properties>();
  private readonly files: readonly InfraFile[];

  constructor(infra: readonly InfraFile[] | undefined) {
    this.files = (infra ?? []).filter((file) => /\.(properties|ya?ml)$/.test(file.file));
    const modules = new Set(this.files.filter((file) => BASE.test(file.file) && !/(^|\/)src\/test\//.test(file.file)).map((file) => moduleOf(file.file)));
    for (const module of modules) this.byModule.set(module, this.build(module));
  }

  private build(module: string): Properties {
    const properties: Properties = new Map();
    const mine = this.files.filter((file) => moduleOf(file.file) === module && !/(^|\/)src\/test\//.test(file.file));
    // bootstrap first, application over it.
    const bases = mine.filter((file) => BASE.test(file.file)).sort((a, b) => (a.file.includes('bootstrap') ? -1 : 0) - (b.file.includes('bootstrap') ? -1 : 0));
    for (const file of bases) for (const doc of parseConfig(file)) if (doc.profile === undefined) merge(properties, doc.properties);
    // A config-server repository's file for this application (Spring Cloud Config, native profile).
    const name = properties.get('spring.application.name')?.value;
    if (name) {
      const served = this.files.filter((file) => moduleOf(file.file) !== module && new RegExp(`(^|/)${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(properties|ya?ml)$`).test(file.file));
      const [only] = served;
      if (only && served.length === 1) {
        const own = new Map(properties);
        for (const doc of parseConfig(only)) if (doc.profile === undefined) merge(properties, doc.properties);
        merge(properties, own);
      }
    }
    const active = (properties.get('spring.profiles.active')?.value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
    for (const profile of active) {
      for (const file of mine) {
        const match = PROFILED.exec(file.file);
        if (match?.[2] === profile) for (const doc of parseConfig(file)) if (doc.profile === undefined) merge(properties, doc.properties);
      }
      for (const file of bases) for (const doc of parseConfig(file)) if (doc.profile !== undefined && doc.profile.split(',').map((p) => p.trim()).includes(profile)) merge(properties, doc.properties);
    }
    return properties;
  }

  /** Each module's default configuration (its active profiles applied). */
  modules(): [string, Properties][] {
    return [...this.byModule.entries()];
  }

  /**
   * The configuration of the application serving `sourceFile`: its module's, or the only
   * application's when its module has none (a library module packaged into one application).
   */
  forSource(sourceFile: string): Properties {
    const module = moduleOf(sourceFile);
    const own = this.byModule.get(module);
    if (own) return own;
    const candidates = [...this.byModule.entries()].filter(([key]) => module.startsWith(key) || this.byModule.size === 1);
    const [only] = candidates;
    if (only && candidates.length === 1) return only[1];
    return new Map();
  }

  /** `${key}` and `${key:default}` placeholders replaced; undefined when one cannot be. */
  static resolve(text: string, properties: Properties, depth = 0): string | undefined {
    if (!text.includes('${')) return text;
    if (depth > 5) return undefined;
    const state = { failed: false };
    const out = text.replace(/\$\{([^}:]+)(?::([^}]*))?\}/g, (_match, key: string, fallback: string | undefined) => {
      const value = properties.get(key.trim())?.value ?? fallback;
      const resolved = value === undefined ? undefined : JvmConfig.resolve(value, properties, depth + 1);
      if (resolved === undefined) state.failed = true;
      return resolved ?? '';
    });
    return state.failed ? undefined : out;
  }
}
