import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { goJwtOption, goJwtParses } from '../../analysis/go-jwt.js';
import { callArgs, unwrap } from '../../collectors/code/go/ast.js';

export interface GoExpiryOff {
  source: SourceFile;
  call: Node;
  written: string;
  option: string;
}

/**
 * golang-jwt `jwt.WithoutClaimsValidation()` / `Parser{SkipClaimsValidation: true}`, jwx
 * `jwt.WithValidate(false)`, and jwx v1 parses that verify but never validate (v1 checks `exp`
 * only with `jwt.WithValidate(true)` or a later `jwt.Validate`).
 */
export function goExpiryOff(sources: readonly SourceFile[]): GoExpiryOff[] {
  const out: GoExpiryOff[] = [];
  for (const parse of goJwtParses(sources)) {
    const base = { source: parse.source, call: parse.call, written: parse.written };
    if (parse.library === 'golang-jwt') {
      const without = goJwtOption(parse, 'WithoutClaimsValidation');
      const skip = parse.parserFields.get('SkipClaimsValidation');
      if (without) out.push({ ...base, option: without.text });
      else if (skip && unwrap(skip).type === 'true') out.push({ ...base, option: 'SkipClaimsValidation: true' });
      continue;
    }
    if (parse.method === 'ParseHeader' || parse.method === 'ParseInsecure') continue;
    const validate = goJwtOption(parse, 'WithValidate');
    const value = validate ? callArgs(validate)[0]?.text : undefined;
    if (value === 'false') out.push({ ...base, option: validate?.text ?? 'jwt.WithValidate(false)' });
    else if (parse.major < 2 && !parse.opaque && value !== 'true' && goJwtOption(parse, 'WithVerify') && !/\b\w+\.Validate\(/.test(parse.fn.text)) {
      out.push({ ...base, option: 'no jwt.WithValidate(true)' });
    }
  }
  return out;
}
