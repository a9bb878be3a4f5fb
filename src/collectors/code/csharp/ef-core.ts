/**
 * EF Core's raw SQL (the `csharp-efcore` library family): `FromSqlRaw` / `ExecuteSqlRaw` / `SqlQueryRaw` run their
 * string as it is; `FromSql` / `ExecuteSql` / `SqlQuery` (and EF Core 2's `ExecuteSqlCommand`) take a
 * `FormattableString`, whose interpolated holes become parameters, while a concatenated string picks the EF Core 2
 * `string` overload. Read by sql-injection's C# reading through the plugin's `csharpSql` section.
 */
import type { CsharpSqlProvider } from '../plugin.js';

export const efCoreSql: CsharpSqlProvider = {
  raw: ['FromSqlRaw', 'ExecuteSqlRaw', 'ExecuteSqlRawAsync', 'SqlQueryRaw'],
  formattable: ['FromSql', 'ExecuteSql', 'ExecuteSqlAsync', 'SqlQuery', 'ExecuteSqlCommand', 'ExecuteSqlCommandAsync'],
};
