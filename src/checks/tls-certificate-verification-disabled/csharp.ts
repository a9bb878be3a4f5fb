import type { Node } from 'web-tree-sitter';
import { alwaysTrue, delegateTarget, developmentOnly, isCsTestFile } from '../../collectors/code/csharp/flow.js';
import { field, walk } from '../../collectors/code/csharp/project.js';
import type { SourceFile } from '../../engine/context.js';

/** Certificate validation callbacks of HttpClientHandler, SocketsHttpHandler's SslOptions, ServicePointManager and SslStream. */
const CALLBACKS = new Set(['ServerCertificateCustomValidationCallback', 'ServerCertificateValidationCallback', 'RemoteCertificateValidationCallback']);

export interface CsTlsSite {
  node: Node;
  what: string;
}

/**
 * .NET clients that accept any server certificate: a validation callback that always returns true, or
 * `HttpClientHandler.DangerousAcceptAnyServerCertificateValidator`; development-only code (`#if DEBUG`,
 * `IsDevelopment()`) is left out.
 */
export function csharpTlsSites(source: SourceFile): CsTlsSite[] {
  if (source.language !== 'csharp' || isCsTestFile(source.file) || !/CertificateValidat|DangerousAcceptAnyServerCertificateValidator/.test(source.text)) return [];
  const out: CsTlsSite[] = [];
  walk(source.tree.rootNode, (node) => {
    if (node.type === 'assignment_expression') {
      const left = field(node, 'left');
      const right = field(node, 'right');
      const name = left?.type === 'member_access_expression' ? field(left, 'name')?.text : left?.text;
      if (!name || !right || !CALLBACKS.has(name)) return true;
      const accepts = alwaysTrue(delegateTarget(right, source.tree.rootNode)) || /\.DangerousAcceptAnyServerCertificateValidator$/.test(right.text);
      if (accepts && !developmentOnly(source, node)) {
        const value = right.text.replace(/\s+/g, ' ');
        out.push({ node, what: `${name} = ${value.length > 80 ? `${value.slice(0, 79)}…` : value}` });
      }
      return true;
    }
    if (node.type === 'member_access_expression' && field(node, 'name')?.text === 'DangerousAcceptAnyServerCertificateValidator' && node.parent?.type !== 'assignment_expression') {
      if (!developmentOnly(source, node)) out.push({ node, what: node.text });
    }
    return true;
  });
  return out;
}
