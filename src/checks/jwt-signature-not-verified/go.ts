import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { goFunctionVerifies, goJwtOption, goJwtParses, goUsedAsIdentity } from '../../analysis/go-jwt.js';
import { callArgs } from '../../collectors/code/go/ast.js';

export interface GoUnverified {
  source: SourceFile;
  call: Node;
  written: string;
  /** `disabled` names the option that turns verification off. */
  option?: string;
}

/**
 * golang-jwt `ParseUnverified`, jwx v1 `jwt.Parse` without `WithVerify`/`WithKeySet`, jwx v2+
 * `jwt.ParseInsecure` or `jwt.WithVerify(false)`, whose claims decide the caller's identity and
 * with no verifying parse in the same function (reading `kid` before verifying is fine).
 */
export function goUnverifiedTokens(sources: readonly SourceFile[]): GoUnverified[] {
  const parses = goJwtParses(sources);
  const out: GoUnverified[] = [];
  for (const parse of parses) {
    let option: string | undefined;
    let unverified = false;
    if (parse.library === 'golang-jwt') unverified = parse.method === 'ParseUnverified';
    else if (parse.method === 'ParseHeader') continue;
    else if (parse.method === 'ParseInsecure') unverified = true;
    else {
      const verify = goJwtOption(parse, 'WithVerify');
      if (verify && callArgs(verify).length === 1 && callArgs(verify)[0]?.text === 'false') {
        option = verify.text;
      } else if (parse.major < 2 && !parse.opaque && !verify && !goJwtOption(parse, 'WithKeySet') && !goJwtOption(parse, 'WithKeySetProvider') && !goJwtOption(parse, 'WithJWKSetFetcher') && !goJwtOption(parse, 'WithKeyProvider')) {
        unverified = true;
      }
    }
    if (!unverified && option === undefined) continue;
    if (goFunctionVerifies(parse, parses) || !goUsedAsIdentity(parse)) continue;
    out.push({ source: parse.source, call: parse.call, written: parse.written, ...(option !== undefined ? { option } : {}) });
  }
  return out;
}
