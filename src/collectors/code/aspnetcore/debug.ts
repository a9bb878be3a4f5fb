/**
 * ASP.NET Core's developer pages outside development, read by debug-mode-enabled through the plugin's `debug`
 * section (reported with the check's `errorhandler` and `nodeEnv` messages).
 */
import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import type { DebugModeProvider, FrameworkFinding } from '../plugin.js';
import { developmentOnly, isCsTestFile } from '../csharp/flow.js';
import { invocationParts, walk } from '../csharp/project.js';

/** Middleware that renders exception details (stack trace, source, database errors) into the response. */
const DEVELOPER_PAGES = new Set(['UseDeveloperExceptionPage', 'UseDatabaseErrorPage']);

interface CsDebugHit {
  node: Node;
  kind: 'page' | 'environment';
  text: string;
}

/**
 * ASP.NET Core apps that show the developer exception page outside `if (env.IsDevelopment())` / `#if DEBUG`,
 * or force the Development environment in code (`UseEnvironment("Development")`).
 */
function csharpDebug(source: SourceFile): CsDebugHit[] {
  if (source.language !== 'csharp' || isCsTestFile(source.file) || !/UseDeveloperExceptionPage|UseDatabaseErrorPage|UseEnvironment/.test(source.text)) return [];
  const out: CsDebugHit[] = [];
  walk(source.tree.rootNode, (node) => {
    const parts = invocationParts(node);
    if (!parts) return true;
    if (DEVELOPER_PAGES.has(parts.name) && parts.receiver && !developmentOnly(source, node)) out.push({ node, kind: 'page', text: `${parts.receiver.text.split('\n')[0] ?? ''}.${parts.name}()` });
    if (parts.name === 'UseEnvironment' && /^(?:"Development"|Environments\.Development)$/.test(parts.args[0]?.text ?? '') && !developmentOnly(source, node)) {
      out.push({ node, kind: 'environment', text: node.text.replace(/\s+/g, ' ') });
    }
    return true;
  });
  return out;
}

export const aspnetcoreDebug: DebugModeProvider = {
  settings(ctx: CheckContext): FrameworkFinding[] {
    return ctx.sources.flatMap((source) =>
      csharpDebug(source).map((hit): FrameworkFinding => (hit.kind === 'page' ? { messageId: 'errorhandler', data: { call: hit.text }, source, node: hit.node } : { messageId: 'nodeEnv', data: { expression: hit.text }, source, node: hit.node })),
    );
  },
};
