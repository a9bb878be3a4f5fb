import type { DataAccessProvider } from '../plugin.js';

/**
 * The SQLAlchemy family: SQLAlchemy's `session.query(Post)`, `select(Post)`, `filter_by`, `scalar_one…`,
 * `one_or_none`, `insert(Post).values(**fields)`, `session.query(Post).filter(…).update(fields)`; Flask-SQLAlchemy's `Post.query` and `get_or_404` / `first_or_404`; SQLModel's `select(Post)`.
 */
export const pythonDataAccess: DataAccessProvider = {
  managers: ['query'],
  lookups: ['get_or_404', 'first_or_404', 'filter_by'],
  singleResults: ['get_or_404', 'first_or_404', 'one_or_none', 'scalar', 'scalar_one', 'scalar_one_or_none'],
  modelArguments: ['query', 'select'],
  fieldWrites: { python: ['values'] },
  modelReceivers: [/query\(\s*(\w+)/],
  queries: [String.raw`\bquery\(`, String.raw`\.filter`],
  loaders: ['get_or_404', 'first_or_404', 'one_or_none', 'scalar_one', 'scalar_one_or_none', 'scalar'],
  projections: ['load_only'],
  filterLookups: { python: ['filter_by'] },
  lookupReceivers: [String.raw`\bquery\(`, String.raw`\.select\(`],
};
