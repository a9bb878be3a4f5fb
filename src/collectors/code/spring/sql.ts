/**
 * Spring JDBC's query methods that take SQL text (`JdbcTemplate`, `NamedParameterJdbcTemplate`, their
 * `…Operations` interfaces, Spring 6's `JdbcClient.sql`), for sql-injection's Java reading (the plugin's
 * `sqlSinks`).
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
    batchUpdate: ['JdbcTemplate', 'JdbcOperations'],
    execute: ['JdbcTemplate', 'JdbcOperations'],
    sql: ['JdbcClient'],
  },
  mentions: ['JdbcTemplate', 'JdbcOperations', 'JdbcClient'],
};
