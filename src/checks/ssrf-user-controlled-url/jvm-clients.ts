/** The JVM frameworks' outbound HTTP clients (the plugins' `jvmHttp` sections), joined per language for the Java and Kotlin readings. */
import { jvmHttpClientProviders } from '../../collectors/code/plugins.js';

export interface JvmClients {
  /** The frameworks' names whose mention makes a source worth reading. */
  mentions: string[];
  /** Receiver types by method name. */
  clients: Map<string, string[]>;
  /** Static factories: methods by the type as written. */
  factories: Map<string, string[]>;
  builders: { name: string; starts: readonly string[]; types: readonly string[]; methods: Map<string, RegExp> }[];
}

const tables = new Map<'java' | 'kotlin', JvmClients>();

export function jvmClients(language: 'java' | 'kotlin'): JvmClients {
  const cached = tables.get(language);
  if (cached) return cached;
  const table: JvmClients = { mentions: [], clients: new Map(), factories: new Map(), builders: [] };
  for (const provider of jvmHttpClientProviders()) {
    table.mentions.push(...(provider.mentions[language] ?? []));
    for (const client of provider.clients ?? []) {
      if (!client.languages.includes(language)) continue;
      for (const method of client.methods) table.clients.set(method, [...(table.clients.get(method) ?? []), ...client.types]);
    }
    for (const [type, methods] of Object.entries(provider.factories ?? {})) table.factories.set(type, [...(table.factories.get(type) ?? []), ...methods]);
    for (const builder of provider.builders ?? []) {
      table.builders.push({ name: builder.name, starts: builder.starts, types: builder.types, methods: new Map(Object.entries(builder.methods).map(([method, pattern]) => [method, new RegExp(pattern)])) });
    }
  }
  tables.set(language, table);
  return table;
}

/** `\b(a|b|…)\b` of the check's own words and the frameworks'. */
export function mentionPattern(own: readonly string[], frameworks: readonly string[]): RegExp {
  return new RegExp(`\\b(${[...own, ...frameworks.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))].join('|')})\\b`);
}
