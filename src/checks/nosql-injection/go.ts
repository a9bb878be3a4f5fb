/**
 * NoSQL injection in Go (mongo-go-driver, mgo): a collection query whose filter carries request data
 * that can hold operators. In Go a request string bound into `bson.M{"name": name}` stays an
 * equality match, so only values that can be maps reach the database as operators:
 * - a request map used as the filter or inside it: `var filter bson.M; c.ShouldBindJSON(&filter)`,
 *   `bson.M(body)` of a decoded `map[string]interface{}`, `c.QueryMap("f")` (the client picks the keys,
 *   `$where` included);
 * - a value read from such a map (`body["username"]`, an `interface{}` that decodes to
 *   `{"$ne": null}`) put into a filter literal;
 * - any request value under a `$where` key (JavaScript run by the server).
 * Typed request structs with string fields and values converted to strings are not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { field, fields, goStructs, named, stringLiteral, unwrap, walk } from '../../collectors/code/go/ast.js';
import { importsOf } from '../../collectors/code/go/program.js';
import { goTaintedSinks, type GoCall, type GoFunctionTaint, type GoSinkHit } from '../../analysis/go-taint.js';
import { parentOf } from '../../parsing/tree-index.js';

const MONGO = /^(go\.mongodb\.org\/mongo-driver(\/v2)?\/mongo|gopkg\.in\/mgo\.v2|github\.com\/globalsign\/mgo)$/;
/** Collection methods and the position of their filter (after the context for mongo-go-driver). */
const DRIVER_METHODS: Record<string, number> = {
  Find: 1,
  FindOne: 1,
  FindOneAndUpdate: 1,
  FindOneAndDelete: 1,
  FindOneAndReplace: 1,
  UpdateOne: 1,
  UpdateMany: 1,
  DeleteOne: 1,
  DeleteMany: 1,
  ReplaceOne: 1,
  CountDocuments: 1,
  Distinct: 2,
  Aggregate: 1,
  Watch: 1,
};
const MGO_METHODS: Record<string, number> = { Find: 0, Pipe: 0, Remove: 0, RemoveAll: 0, Update: 0, UpdateAll: 0, Upsert: 0 };
/** Types that hold arbitrary keys and values. */
const MAP_TYPE = /^(map\[string\](interface\{\}|any|string)|bson\.[MDA]|primitive\.[MDA]|interface\{\}|any|\[\]bson\.[MD]|\[\]interface\{\})$/;

export interface GoNosqlHit extends GoSinkHit {
  where: boolean;
}

function enclosingFunction(node: Node): Node | undefined {
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (current.type === 'function_declaration' || current.type === 'method_declaration') return current;
  }
  return undefined;
}

/** The declared type of a local in `fn` (`var f bson.M`, `body := map[string]any{}`, `f := make(bson.M)`). */
function declaredType(fn: Node, name: string): string | undefined {
  let found: string | undefined;
  walk(fn, (node) => {
    if (found) return false;
    if (node.type === 'var_spec' && fields(node, 'name').some((child) => child.text === name)) {
      found = field(node, 'type')?.text ?? literalType(named(field(node, 'value') ?? node)[0]);
    } else if (node.type === 'short_var_declaration') {
      const left = named(field(node, 'left') ?? node);
      const index = left.findIndex((child) => child.text === name);
      if (index >= 0) found = literalType(named(field(node, 'right') ?? node)[index]);
    } else if (node.type === 'parameter_declaration' && fields(node, 'name').some((child) => child.text === name)) {
      found = field(node, 'type')?.text;
    }
    return !found;
  }, true);
  return found;
}

function literalType(value: Node | undefined): string | undefined {
  if (!value) return undefined;
  const current = unwrap(value);
  if (current.type === 'composite_literal') return field(current, 'type')?.text;
  if (current.type === 'call_expression' && field(current, 'function')?.text === 'make') return named(field(current, 'arguments') ?? current)[0]?.text;
  return undefined;
}

export function goNosqlInjections(sources: readonly SourceFile[]): GoNosqlHit[] {
  const mongoFiles = new Set(
    sources.filter((source) => source.language === 'go' && /mgo|mongo-driver/.test(source.text) && [...importsOf(source.tree.rootNode).values()].some((path) => MONGO.test(path))).map((source) => source.file),
  );
  if (mongoFiles.size === 0) return [];
  const byTree = new Map(sources.map((source) => [source.tree, source]));
  /** Struct name → its fields that hold maps (`Query map[string]any`, `Update bson.M`). */
  const mapFields = new Map<string, Set<string>>();
  for (const struct of goStructs(sources.filter((source) => mongoFiles.has(source.file) || source.text.includes('map[')))) {
    const names = struct.fields.filter((item) => MAP_TYPE.test(item.type ?? '')).map((item) => item.name);
    if (names.length > 0) mapFields.set(struct.name, new Set([...(mapFields.get(struct.name) ?? []), ...names]));
  }
  /** A map-typed field of a request struct bound whole: `req.Query`. */
  const mapField = (node: Node, taint: GoFunctionTaint, fn: Node): boolean => {
    const operand = field(node, 'operand');
    const name = field(node, 'field')?.text ?? '';
    if (operand?.type !== 'identifier' || taint.taintOf(operand)?.whole !== true) return false;
    const type = declaredType(fn, operand.text)?.trim() ?? '';
    if (type.startsWith('struct')) return new RegExp(`\\b${name}\\s+(map\\[string\\](interface\\{\\}|any)|bson\\.[MD]|primitive\\.[MD]|interface\\{\\}|any)\\b`).test(type);
    const struct = /^(?:\*|&)?(?:\w+\.)?(\w+)$/.exec(type)?.[1];
    return struct !== undefined && mapFields.get(struct)?.has(name) === true;
  };
  const whereCalls = new Set<number>();
  /** The request value that made the last filter dangerous: what the taint pass must see. */
  const last: { evidence?: Node | undefined } = {};
  const found = (): Node[] | undefined => (last.evidence ? [last.evidence] : undefined);

  /** A request map as a whole (a bound/decoded map variable, `bson.M(body)`, `c.QueryMap(…)`): the tainted node. */
  const requestMap = (node: Node | undefined, taint: GoFunctionTaint, fn: Node): Node | undefined => {
    if (!node) return undefined;
    const current = unwrap(node);
    if (current.type === 'unary_expression') return requestMap(field(current, 'operand'), taint, fn);
    if (current.type === 'type_conversion_expression' || (current.type === 'call_expression' && /^(bson|primitive)\.[MD]$/.test(field(current, 'function')?.text ?? ''))) {
      const operand = field(current, 'operand') ?? named(field(current, 'arguments') ?? current)[0];
      return requestMap(operand, taint, fn);
    }
    if (current.type === 'call_expression') {
      const callee = field(current, 'function');
      return callee?.type === 'selector_expression' && /^(QueryMap|PostFormMap|Queries|AllParams)$/.test(field(callee, 'field')?.text ?? '') && taint.taintOf(current) !== undefined ? current : undefined;
    }
    if (current.type === 'selector_expression') return mapField(current, taint, fn) ? current : undefined;
    if (current.type !== 'identifier') return undefined;
    const value = taint.taintOf(current);
    return value?.whole === true && MAP_TYPE.test(declaredType(fn, current.text)?.trim() ?? '') ? current : undefined;
  };

  /** A filter literal holding a request map, an element of one, or request data under `$where`. */
  const dangerous = (node: Node, taint: GoFunctionTaint, fn: Node, call: Node, depth = 0): boolean => {
    if (depth > 4) return false;
    const current = unwrap(node);
    const map = requestMap(current, taint, fn);
    if (map || (current.type === 'index_expression' && requestMap(field(current, 'operand'), taint, fn))) {
      last.evidence = map ?? current;
      return true;
    }
    if (current.type !== 'composite_literal') return false;
    const body = field(current, 'body');
    for (const element of body ? named(body) : []) {
      const parts = element.type === 'keyed_element' ? named(element) : [element];
      const unwrapElement = (item: Node | undefined): Node | undefined => (item?.type === 'literal_element' ? named(item)[0] : item);
      const key = parts.length === 2 ? unwrapElement(parts[0]) : undefined;
      const value = unwrapElement(parts.at(-1));
      if (!value) continue;
      // bson.D{{"$where", x}}: an element literal of key and value.
      if (value.type === 'literal_value' && !key) {
        const inner = named(value).map((item) => unwrapElement(item));
        if (inner.length === 2 && inner[0] && stringLiteral(inner[0]) === '$where' && inner[1] && taint.taintOf(inner[1])) {
          whereCalls.add(call.id);
          last.evidence = inner[1];
          return true;
        }
        if (inner.some((item) => item && dangerous(item, taint, fn, call, depth + 1))) return true;
        continue;
      }
      if (key && stringLiteral(key) === '$where' && taint.taintOf(value)) {
        whereCalls.add(call.id);
        last.evidence = value;
        return true;
      }
      if (value.type === 'literal_value') {
        // A nested bson.M body written without its type.
        const nested = named(value).map((item) => unwrapElement(item)).filter((item): item is Node => item !== undefined);
        if (nested.some((item) => dangerous(item, taint, fn, call, depth + 1))) return true;
        continue;
      }
      if (dangerous(value, taint, fn, call, depth + 1)) return true;
    }
    return false;
  };

  const match = (call: GoCall, taint: GoFunctionTaint): Node[] | undefined => {
    if (!call.method || call.callee !== call.written) return undefined;
    const source = byTree.get(call.node.tree);
    if (!source || !mongoFiles.has(source.file)) return undefined;
    const imports = importsOf(source.tree.rootNode);
    const mgo = [...imports.values()].some((path) => /mgo/.test(path));
    const index = DRIVER_METHODS[call.method] ?? (mgo ? MGO_METHODS[call.method] : undefined);
    if (index === undefined) return undefined;
    const filter = call.args[index];
    const fn = enclosingFunction(call.node);
    if (!filter || !fn) return undefined;
    const filterValue = unwrap(filter);
    // A filter built into a local first: `filter := bson.M{…}; coll.Find(ctx, filter)`.
    delete last.evidence;
    const built = filterValue.type === 'identifier' ? localLiteral(fn, filterValue.text, call.node.startIndex) : undefined;
    if (dangerous(filterValue, taint, fn, call.node) || (built && dangerous(built, taint, fn, call.node))) return found();
    // `filter[k] = v` with a key the client chose (`for k, v := range r.URL.Query()`) or a map value.
    if (filterValue.type === 'identifier') {
      for (const [key, value] of indexAssignments(fn, filterValue.text, call.node.startIndex)) {
        if (taint.taintOf(key) && stringLiteral(key) === undefined) return [key];
        if (dangerous(value, taint, fn, call.node)) return found();
      }
    }
    return undefined;
  };
  return goTaintedSinks(sources, match).map((hit) => ({ ...hit, where: whereCalls.has(hit.call.id) }));
}

/** The composite literal last assigned to a local before `before`. */
function localLiteral(fn: Node, name: string, before: number): Node | undefined {
  let found: Node | undefined;
  walk(fn, (node) => {
    if (node.startIndex >= before) return false;
    if (node.type === 'short_var_declaration' || node.type === 'assignment_statement') {
      const left = named(field(node, 'left') ?? node);
      const index = left.findIndex((child) => child.text === name);
      const value = index >= 0 ? named(field(node, 'right') ?? node)[index] : undefined;
      if (value && unwrap(value).type === 'composite_literal') found = unwrap(value);
    } else if (node.type === 'var_spec' && fields(node, 'name').some((child) => child.text === name)) {
      const value = named(field(node, 'value') ?? node)[0];
      if (value && unwrap(value).type === 'composite_literal') found = unwrap(value);
    }
    return true;
  }, true);
  return found;
}

/** `name[key] = value` statements before `before`. */
function indexAssignments(fn: Node, name: string, before: number): [Node, Node][] {
  const out: [Node, Node][] = [];
  walk(fn, (node) => {
    if (node.startIndex >= before) return false;
    if (node.type !== 'assignment_statement') return true;
    const left = named(field(node, 'left') ?? node);
    const right = named(field(node, 'right') ?? node);
    left.forEach((target, index) => {
      const value = right[index];
      const key = target.type === 'index_expression' ? field(target, 'index') : undefined;
      if (key && value && field(target, 'operand')?.text === name) out.push([key, value]);
    });
    return true;
  }, true);
  return out;
}
