import type { Node } from 'web-tree-sitter';
import { isPython } from '../../../analysis/code-auth.js';
import { enclosingFunction, factsOf } from '../../../analysis/code.js';
import type { BodyLimitFinding, BodyLimitProvider } from '../plugin.js';

const SIZE_CHECK = /\.size\b|len\(|content[-_]length|MAX_\w*(SIZE|BYTES)|max_?size|spool_max_size|\.tell\(\)/i;

/** The handler's parameters declared as Starlette's `UploadFile`. */
function uploadParams(fn: Node): string[] {
  return (fn.childForFieldName('parameters')?.namedChildren ?? [])
    .filter((param): param is Node => param !== null && /\bUploadFile\b/.test(param.text))
    .map((param) => (param.childForFieldName('name') ?? param.namedChildren[0])?.text ?? '');
}

/** FastAPI (Starlette's `UploadFile`): `await file.read()` with no size check before it reads the whole file into memory. */
export const fastapiBodyLimit: BodyLimitProvider = {
  messages: { fastapi: '`{{read}}` reads the uploaded file `{{param}}` into memory with no size check.' },
  uploads(ctx) {
    const out: BodyLimitFinding[] = [];
    for (const source of ctx.sources) {
      if (!isPython(source)) continue;
      for (const call of factsOf(source).calls) {
        const reader = /^(\w+)(\.file)?\.read$/.exec(call.written);
        if (!reader?.[1]) continue;
        const fn = enclosingFunction(call.node);
        if (!fn || !uploadParams(fn).includes(reader[1])) continue;
        const before = fn.text.slice(0, call.node.startIndex - fn.startIndex);
        if (!SIZE_CHECK.test(before) && call.args.length === 0) out.push({ source, node: call.node, messageId: 'fastapi', data: { read: call.node.text, param: reader[1] } });
      }
    }
    return out;
  },
};
