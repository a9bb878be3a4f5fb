import type { Node } from 'web-tree-sitter';
import { factsOf, stringValue } from '../../../analysis/code.js';
import type { SourceFile } from '../../../engine/context.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { DataAccessProvider, ModelDeclaration } from '../plugin.js';
import { undefinedDroppingFilter } from './orm-filters.js';

function methodOf(callee: string): string {
  const index = callee.lastIndexOf('.');
  return index < 0 ? callee : callee.slice(index + 1);
}

/** The keys of an object literal (a schema's or a model's fields). */
function objectKeys(node: Node | null | undefined): string[] {
  if (node?.type !== 'object') return [];
  const out: string[] = [];
  for (const child of node.namedChildren) {
    if (child?.type === 'pair') {
      const key = child.childForFieldName('key');
      if (key) out.push(stringValue(key) ?? key.text);
    } else if (child?.type === 'shorthand_property_identifier') out.push(child.text);
  }
  return out;
}

/**
 * Mongoose's `model('Post', schema)` (a `new Schema({…})` bound to a variable, or written inline) and
 * Sequelize's `sequelize.define('Post', {…})` and `Post.init({…})`, in source order.
 */
function models(source: SourceFile): ModelDeclaration[] {
  const schemas = new Map<string, Node>();
  for (const call of factsOf(source).calls) {
    if (call.isNew && methodOf(call.callee) === 'Schema') {
      const holder = parentOf(call.node);
      const variable = holder?.type === 'variable_declarator' ? holder.childForFieldName('name')?.text : undefined;
      if (variable && call.args[0]) schemas.set(variable, call.args[0]);
    }
  }
  const out: ModelDeclaration[] = [];
  for (const call of factsOf(source).calls) {
    const method = methodOf(call.callee);
    const first = call.args[0];
    const second = call.args[1];
    let name: string | undefined;
    let shape: Node | undefined;
    if (method === 'model' && first && stringValue(first)) {
      name = stringValue(first);
      shape = second?.type === 'identifier' ? schemas.get(second.text) : second?.type === 'new_expression' ? (second.childForFieldName('arguments')?.namedChildren[0] ?? undefined) : second;
    } else if (method === 'define' && first && stringValue(first)) {
      name = stringValue(first);
      shape = second;
    } else if (method === 'init' && first?.type === 'object') {
      name = call.node.childForFieldName('function')?.childForFieldName('object')?.text;
      shape = first;
    }
    if (name && shape) out.push({ name, fields: objectKeys(shape), node: shape });
  }
  return out;
}

/**
 * JS data-access libraries: Prisma (`prisma.post.findUnique`, `findFirst`, `findMany`), TypeORM and
 * MikroORM (`entityManager`, `em`, `dataSource`, `findOneBy`, `getRepository(Post)`, `postRepository.find`),
 * Mongoose (`findById`, `findByIdAndUpdate`, `findOneAndDelete`, `model()` over a `Schema`), Sequelize
 * (`findByPk`, `findAll`, `findAndCountAll`, `define`, `init`), Knex (`knex`, `trx`) and the `pg`/`mysql` drivers.
 */
export const jsDataAccess: DataAccessProvider = {
  receivers: ['prisma', 'knex', 'trx', 'em', 'entityManager', 'dataSource', 'pg', 'mysql'],
  lookups: [
    'findById',
    'findByPk',
    'findUnique',
    'findUniqueOrThrow',
    'findFirst',
    'findFirstOrThrow',
    'findOneBy',
    'findOneOrFail',
    'findOneByOrFail',
    'findByIdAndUpdate',
    'findByIdAndDelete',
    'findByIdAndRemove',
    'findOneAndUpdate',
    'findOneAndDelete',
    'findOneAndRemove',
  ],
  writes: [String.raw`findByIdAnd\w+`, String.raw`findOneAnd\w+`],
  singleResults: [String.raw`findUnique\w*`, String.raw`findFirst\w*`, String.raw`findOne\w*`, String.raw`findById\w*`, 'findByPk'],
  modelAccessors: [/\bprisma\.(\w+)\./],
  classListings: ['findAll', 'findAndCountAll'],
  listings: [
    /\.(\w+)\.(?:findMany|findAll)\(/,
    /\b(\w+?)(?:Repository|Repo)\.(?:find|findBy|findAndCount)\(/i,
    /\bgetRepository\(\s*([A-Z]\w*)\s*\)\.(?:find|findBy|findAndCount)\(/,
  ],
  models,
  fieldWrites: { js: ['insertOne', 'upsert', 'findByIdAndUpdate', 'findOneAndUpdate', 'updateOne', 'updateMany', 'replaceOne', 'set', 'merge', 'build', 'bulkCreate', 'createQueryBuilder', 'save'] },
  dataKeys: ['data', 'update', 'create'],
  modelReceivers: [/prisma\.(\w+)$/],
  loaders: ['findById', 'findByPk', 'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findOneBy', 'findOneOrFail', 'findOneByOrFail'],
  projections: [String.raw`\bselect\s*:`, String.raw`\battributes\s*:`, String.raw`\bprojection\b`, String.raw`\bomit\s*:`, String.raw`\.lean\(\)\.select`],
  recordModels: [/\b(?:getRepository|repository)\(\s*([A-Z]\w*)/],
  undefinedDroppingFilter,
  filterLookups: { js: ['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findMany', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'findBy', 'findAll', 'count', 'exists'] },
};
