import type { Node } from 'web-tree-sitter';
import type { CodeCollector } from '../collector.js';
import { callArgs, callee, field, unwrap } from '../js/ast.js';
import { jsEnabled } from '../js/kit.js';
import type { JsModule, ModuleGraph } from '../js/modules.js';
import { collectWith, type RouterDialect } from '../js/router-engine.js';
import { staticAndDocs } from '../express/collector.js';
import { evalString, externalName } from '../js/values.js';

const PACKAGES = ['hono'];

export const honoDialect: RouterDialect = {
  framework: 'hono',
  generated: staticAndDocs,
  mountMethod: 'route',
  onMethod: true,
  everyRootIsApp: true,
  creates(graph: ModuleGraph, module: JsModule, node: Node): { app: boolean; prefix: string } | undefined {
    const current = unwrap(node);
    if (current.type === 'new_expression') {
      const fn = callee(current);
      const resolved = fn ? graph.resolve(module, fn) : undefined;
      if (resolved?.kind === 'external' && resolved.specifier.startsWith('hono') && externalName(resolved) === 'Hono') return { app: true, prefix: '' };
      return undefined;
    }
    if (current.type !== 'call_expression') return undefined;
    const fn = callee(current);
    if (fn?.type !== 'member_expression' || field(fn, 'property')?.text !== 'basePath') return undefined;
    const object = field(fn, 'object');
    const base = object ? honoDialect.creates(graph, module, object) : undefined;
    const arg = callArgs(current)[0];
    const prefix = arg ? evalString(graph, module, arg) : undefined;
    if (!base || prefix === undefined) return undefined;
    return { app: true, prefix: `${base.prefix}/${prefix}` };
  },
};

export const honoCollector: CodeCollector = {
  id: 'hono',
  languages: ['javascript', 'typescript', 'tsx'],
  enablers: PACKAGES,
  isEnabled: (project, sources) => jsEnabled(project, sources, ['hono'], PACKAGES),
  collect: (sources) => collectWith(honoDialect, sources),
};
