import type { SourceFile } from '../../../engine/context.js';
import type { Location, RateLimitEvidence } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import { callArgs, callName, constantPath, field, literal, locate, walk } from '../ruby/ast.js';

/** One `Rack::Attack.throttle(name, limit:, period:) { |req| … }`. */
export interface Throttle {
  name: string;
  limit: string;
  where: Location;
  /** Paths the block compares `req.path` with; empty when it throttles every request. */
  paths: { path: string; prefix: boolean }[];
  /** `req.post?` and the like; empty when any method. */
  methods: string[];
  /** The block reads the path in a way not understood: it applies to some requests only. */
  partial: boolean;
}

export function rackAttackThrottles(files: readonly SourceFile[]): Throttle[] {
  const out: Throttle[] = [];
  for (const file of files) {
    if (!file.text.includes('throttle')) continue;
    walk(file.tree.rootNode, (node) => {
      if (node.type !== 'call' || callName(node) !== 'throttle') return true;
      const receiver = constantPath(field(node, 'receiver'));
      const inClass = !field(node, 'receiver') && /class\s+Rack::Attack|Rack::Attack\.class_eval|class Attack/.test(file.text);
      if (receiver !== 'Rack::Attack' && !inClass) return true;
      const args = callArgs(node);
      const name = literal(args.positional[0]) ?? '…';
      const limit = args.options.get('limit')?.text ?? '?';
      const period = args.options.get('period')?.text ?? '?';
      const throttle: Throttle = { name, limit: `${limit} per ${period}`, where: locate(file.file, node), paths: [], methods: [], partial: false };
      if (args.block) readBlock(args.block, throttle);
      out.push(throttle);
      return false;
    });
  }
  return out;
}

function readBlock(block: Node, throttle: Throttle): void {
  walk(block, (node) => {
    if (node.type === 'binary' && /^(==|===)$/.test(node.childForFieldName('operator')?.text ?? '')) {
      const left = field(node, 'left');
      const right = field(node, 'right');
      const sides = [left, right];
      const pathSide = sides.find((side) => side && /\.(path|path_info)$/.test(side.text));
      const value = sides.find((side) => side && literal(side) !== undefined);
      if (pathSide && value) throttle.paths.push({ path: literal(value) ?? '', prefix: false });
      else if (sides.some((side) => side && /\.request_method$/.test(side.text)) && value) throttle.methods.push((literal(value) ?? '').toUpperCase());
      return false;
    }
    if (node.type === 'call') {
      const name = callName(node) ?? '';
      const receiver = field(node, 'receiver')?.text ?? '';
      if (/\.(path|path_info)$/.test(receiver) && (name === 'start_with?' || name === 'include?' || name === 'match?' || name === 'end_with?')) {
        const value = literal(callArgs(node).positional[0]);
        if (value !== undefined && name === 'start_with?') throttle.paths.push({ path: value, prefix: true });
        else throttle.partial = true;
        return false;
      }
      if (/^(get|post|put|patch|delete)\?$/.test(name)) throttle.methods.push(name.slice(0, -1).toUpperCase());
    }
    return true;
  });
}

/** Rate-limit evidence for one route: a throttle whose path matches it, or one that throttles every request. */
export function throttleFor(throttles: readonly Throttle[], method: string, path: string): RateLimitEvidence | undefined {
  const concrete = (pattern: string): RegExp => new RegExp(`^${pattern.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}(\\.json)?/?$`);
  for (const throttle of throttles) {
    if (throttle.methods.length > 0 && !throttle.methods.includes(method) && method !== 'ANY') continue;
    const matches =
      throttle.paths.length === 0
        ? !throttle.partial
        : throttle.paths.some((entry) => (entry.prefix ? path.startsWith(entry.path) : concrete(path).test(entry.path)));
    if (matches) return { state: 'present', limit: throttle.limit, where: throttle.where, scope: `Rack::Attack throttle ${throttle.name}` };
  }
  return undefined;
}
