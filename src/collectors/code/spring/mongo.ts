/**
 * Spring Data MongoDB's query builders that take request text as a query document, a field name or a pattern
 * (`BasicQuery` / `BasicUpdate` built from JSON, `MongoTemplate.executeCommand(json)`, `Criteria.where(field)`,
 * `criteria.and(field)`, `criteria.regex(pattern)`), for nosql-injection's Java and Kotlin readings (the
 * plugin's `mongoQueries`). The MongoDB driver's own parsers (`Document.parse`) and KMongo stay the check's.
 */
import type { JvmEntityProvider, MongoQueryProvider } from '../plugin.js';

export const springMongoQueries: MongoQueryProvider = {
  documentTypes: ['BasicQuery', 'BasicUpdate'],
  commands: { executeCommand: ['MongoTemplate', 'MongoOperations', 'ReactiveMongoTemplate', 'ReactiveMongoOperations', 'MongoDatabase'] },
  criteria: [{ type: 'Criteria', start: 'where', field: 'and', regex: 'regex' }],
  mentions: ['BasicQuery', 'BasicUpdate', 'Criteria', 'executeCommand'],
};

/** Spring Data MongoDB's persisted documents (`@Document`), read through the plugin's `jvmEntities` section. */
export const springMongoEntities: JvmEntityProvider = { annotations: ['Document'] };
