import type { Node } from 'web-tree-sitter';
import type { CodeCollector } from '../collector.js';
import { callee, unwrap } from '../js/ast.js';
import { jsEnabled } from '../js/kit.js';
import type { JsModule, ModuleGraph } from '../js/modules.js';
import { collectWith, type RouterDialect } from '../js/router-engine.js';
import { externalName } from '../js/values.js';

const PACKAGES = ['express'];

export const expressDialect: RouterDialect = {
  framework: 'express',
  creates(graph: ModuleGraph, module: JsModule, node: Node) {
    const current = unwrap(node);
    if (current.type !== 'call_expression') return undefined;
    const fn = callee(current);
    if (!fn) return undefined;
    const resolved = graph.resolve(module, fn);
    if (resolved.kind !== 'external' || resolved.specifier !== 'express') return undefined;
    const name = externalName(resolved);
    if (name === '') return { app: true, prefix: '' };
    if (name === 'Router') return { app: false, prefix: '' };
    return undefined;
  },
};

export const expressCollector: CodeCollector = {
  id: 'express',
  languages: ['javascript', 'typescript', 'tsx'],
  enablers: PACKAGES,
  isEnabled: (project, sources) => jsEnabled(project, sources, ['express'], PACKAGES),
  collect: (sources) => collectWith(expressDialect, sources),
};
