/**
 * Spring JDBC's query methods that take SQL text (`JdbcTemplate`, `NamedParameterJdbcTemplate`, their
 * `…Operations` interfaces, Spring 6's `JdbcClient.sql`, Spring's R2DBC `DatabaseClient.sql`), for
 * sql-injection's Java and Kotlin readings (the plugin's `sqlSinks`).
 */
import type { SqlSinkProvider } from '../plugin.js';

const TEMPLATES = ['JdbcTemplate', 'NamedParameterJdbcTemplate', 'JdbcOperations', 'NamedParameterJdbcOperations'];

export const springSql: SqlSinkProvider = {
  methods: {
    query: TEMPLATES,
    queryForObject: TEMPLATES,
    queryForList: TEMPLATES,
    queryForMap: TEMPLATES,
    queryForRowSet: TEMPLATES,
    queryForStream: TEMPLATES,
    update: TEMPLATES,
    batchUpdate: TEMPLATES,
    execute: TEMPLATES,
    sql: ['JdbcClient', 'DatabaseClient'],
  },
  mentions: ['JdbcTemplate', 'JdbcOperations', 'JdbcClient', 'DatabaseClient'],
};
