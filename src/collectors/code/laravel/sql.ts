import type { PhpSqlProvider } from '../plugin.js';

/**
 * Laravel's database calls that take SQL text: the `DB` facade's statements (`DB::select($sql)`, `DB::raw($sql)`,
 * `DB::unprepared($sql)` …) and the query builder's raw fragments (`->whereRaw($sql)`, `->orderByRaw($sql)` …),
 * which Eloquent models forward from static calls (`Order::whereRaw($sql)`).
 */
export const laravelSql: PhpSqlProvider = {
  facades: [{ name: 'DB', statements: ['raw', 'select', 'selectOne', 'statement', 'unprepared', 'insert', 'update', 'delete', 'affectingStatement', 'cursor', 'scalar'] }],
  rawMethods: ['whereRaw', 'orWhereRaw', 'havingRaw', 'orHavingRaw', 'orderByRaw', 'selectRaw', 'groupByRaw', 'fromRaw'],
};
