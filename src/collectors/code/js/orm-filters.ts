import type { Node } from 'web-tree-sitter';
import { lastSegment } from '../../../analysis/code-authz.js';
import { propertyOf, type CallSite } from '../../../analysis/code.js';
import type { CheckContext } from '../../../engine/context.js';

const PRISMA_METHODS = /^(findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|findMany|update|updateMany|delete|deleteMany|count|aggregate|upsert)$/;
const TYPEORM_WHERE = /^(find|findOne|findOneOrFail|findAndCount|count|exist|exists)$/;
const TYPEORM_BY = /^(findBy|findOneBy|findOneByOrFail|findAndCountBy|countBy|existsBy)$/;

/**
 * The filter of a Prisma or TypeORM query, which drops a condition whose value is `undefined` instead of
 * rejecting it: Prisma's `prisma.post.findMany({ where })` and TypeORM's `repo.find({ where })` /
 * `repo.findBy(filter)`, in a project that depends on the ORM.
 */
export function undefinedDroppingFilter(ctx: CheckContext, call: CallSite): { library: string; filter: Node } | undefined {
  const npm = ctx.project.dependencies.npm ?? [];
  const method = lastSegment(call.callee);
  const segments = call.written.replace(/^this\./, '').split('.');
  let library: 'Prisma' | 'TypeORM' | undefined;
  if ((npm.includes('@prisma/client') || npm.includes('prisma')) && PRISMA_METHODS.test(method) && segments.length >= 3 && /^[a-z]/.test(segments.at(-2) ?? '')) library = 'Prisma';
  else if ((npm.includes('typeorm') || npm.includes('@nestjs/typeorm')) && (TYPEORM_WHERE.test(method) || TYPEORM_BY.test(method))) library = 'TypeORM';
  if (!library) return undefined;
  const first = call.args[0];
  if (first?.type !== 'object') return undefined;
  if (library === 'TypeORM' && TYPEORM_BY.test(method)) return { library, filter: first };
  const where = propertyOf(first, 'where');
  return where?.type === 'object' ? { library, filter: where } : undefined;
}
