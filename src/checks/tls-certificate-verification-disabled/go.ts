import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { field, named, unwrap, walk } from '../../collectors/code/go/ast.js';

/** `tls.Config{InsecureSkipVerify: true}` and `cfg.TLSClientConfig.InsecureSkipVerify = true`. */
export function goSites(source: SourceFile): { node: Node; what: string }[] {
  if (!source.text.includes('InsecureSkipVerify')) return [];
  const out: { node: Node; what: string }[] = [];
  walk(
    source.tree.rootNode,
    (node) => {
      if (node.type === 'keyed_element') {
        const [key, value] = named(node);
        const keyText = key ? unwrap(named(key)[0] ?? key).text : '';
        const valueNode = value ? (named(value)[0] ?? value) : undefined;
        if (keyText === 'InsecureSkipVerify' && valueNode && unwrap(valueNode).type === 'true') out.push({ node, what: node.text });
      } else if (node.type === 'assignment_statement') {
        const left = field(node, 'left');
        const right = field(node, 'right');
        const target = left ? named(left)[0] : undefined;
        const value = right ? named(right)[0] : undefined;
        if (target?.type === 'selector_expression' && field(target, 'field')?.text === 'InsecureSkipVerify' && value && unwrap(value).type === 'true') {
          out.push({ node, what: node.text });
        }
      }
      return true;
    },
    true,
  );
  return out;
}
