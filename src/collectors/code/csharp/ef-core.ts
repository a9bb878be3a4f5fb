/**
 * EF Core (the `csharp-efcore` library family). Raw SQL: `FromSqlRaw` / `ExecuteSqlRaw` / `SqlQueryRaw` run their
 * string as it is; `FromSql` / `ExecuteSql` / `SqlQuery` (and EF Core 2's `ExecuteSqlCommand`) take a
 * `FormattableString`, whose interpolated holes become parameters, while a concatenated string picks the EF Core 2
 * `string` overload. Read by sql-injection's C# reading through the plugin's `csharpSql` section. Data access: the
 * `DbSet<T>` properties of a DbContext, the DbContext / DbSet methods that track an object for the next
 * `SaveChanges`, and the lookups of one entity (`Find`, `FirstOrDefault` …, through the query operators that keep the
 * set's rows), read by mass-assignment-request-body and bola-missing-ownership-check through the `csharpData` section.
 */
import type { CsharpDataProvider, CsharpSqlProvider } from '../plugin.js';

export const efCoreSql: CsharpSqlProvider = {
  raw: ['FromSqlRaw', 'ExecuteSqlRaw', 'ExecuteSqlRawAsync', 'SqlQueryRaw'],
  formattable: ['FromSql', 'ExecuteSql', 'ExecuteSqlAsync', 'SqlQuery', 'ExecuteSqlCommand', 'ExecuteSqlCommandAsync'],
};

export const efCoreData: CsharpDataProvider = {
  entitySets: ['DbSet'],
  saves: ['SaveChanges'],
  trackingWrites: ['Add', 'AddAsync', 'Update', 'Attach', 'AddRange', 'UpdateRange', 'AddRangeAsync', 'SetValues'],
  stateWrite: { target: /^\s*[\w.]*Entry\s*\(\s*\w+\s*\)\s*\.State$/, states: /Modified|Added/ },
  keyLookups: ['Find', 'FindAsync'],
  firstRow: ['First', 'FirstOrDefault', 'Single', 'SingleOrDefault', 'FirstAsync', 'FirstOrDefaultAsync', 'SingleAsync', 'SingleOrDefaultAsync'],
  passThrough: ['Include', 'ThenInclude', 'AsNoTracking', 'AsTracking', 'AsSplitQuery', 'AsQueryable', 'Where', 'IgnoreQueryFilters', 'TagWith', 'OrderBy', 'OrderByDescending'],
  setOf: ['Set'],
};
