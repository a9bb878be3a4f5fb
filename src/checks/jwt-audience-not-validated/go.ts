/**
 * Go token verification without an audience (or issuer) check. golang-jwt checks `aud` and `iss`
 * only when asked: v5 `jwt.WithAudience(…)` / `jwt.WithIssuer(…)` parser options, v3/v4 a call of
 * `claims.VerifyAudience(…)` / `VerifyIssuer(…)`; lestrrat-go/jwx only with `jwt.WithAudience(…)` /
 * `jwt.WithIssuer(…)`. A function (or its key function) that reads the claims' audience or issuer
 * itself (`claims.Audience`, `GetAudience()`, `token.Audience()`, `claims["aud"]`) checks it by hand.
 * Unverified parses and option lists passed as `opts...` are left alone, and so are code bases
 * that sign the tokens they verify (golang-jwt `SignedString`, jwx `jwt.Sign`): the service is its
 * own issuer, and no identity provider hands it tokens meant for another audience.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { goJwtOption, goJwtParses, goKeyfuncBody, type GoJwtParse } from '../../analysis/go-jwt.js';
import { field, stringLiteral, walk } from '../../collectors/code/go/ast.js';

export interface GoAudienceGap {
  source: SourceFile;
  call: Node;
  written: string;
  audience: boolean;
  issuer: boolean;
}

const KEY_OPTIONS = ['WithKey', 'WithKeySet', 'WithKeySetProvider', 'WithKeyProvider', 'WithJWKSetFetcher', 'WithVerify'];
const READS: Record<'aud' | 'iss', RegExp> = {
  aud: /^(Audience|GetAudience|VerifyAudience)$/,
  iss: /^(Issuer|GetIssuer|VerifyIssuer)$/,
};

/** The function (or key function) reads the claim itself: a field, a getter, a Verify method or the map key. */
function readsClaim(scopes: Node[], claim: 'aud' | 'iss'): boolean {
  let found = false;
  for (const scope of scopes) {
    walk(scope, (node) => {
      if (found) return false;
      if (node.type === 'selector_expression' && READS[claim].test(field(node, 'field')?.text ?? '')) found = true;
      else if (node.type === 'interpreted_string_literal' && stringLiteral(node) === claim) found = true;
      return !found;
    }, true);
  }
  return found;
}

function checked(parse: GoJwtParse, option: string, claim: 'aud' | 'iss'): boolean {
  if (goJwtOption(parse, option)) return true;
  const keyfunc = goKeyfuncBody(parse);
  return readsClaim(keyfunc ? [parse.fn, keyfunc] : [parse.fn], claim);
}

/** A Go file that signs tokens: golang-jwt `token.SignedString(key)`, jwx `jwt.Sign(token, …)`. */
function signsTokens(source: SourceFile): boolean {
  if (!/SignedString|jwt\.Sign\(/.test(source.text)) return false;
  let found = false;
  walk(source.tree.rootNode, (node) => {
    if (found) return false;
    const callee = node.type === 'call_expression' ? field(node, 'function') : undefined;
    if (callee?.type === 'selector_expression' && /^(SignedString)$/.test(field(callee, 'field')?.text ?? '')) found = true;
    if (callee?.type === 'selector_expression' && field(callee, 'field')?.text === 'Sign' && /lestrrat-go\/jwx/.test(source.text) && field(callee, 'operand')?.text === 'jwt') found = true;
    return !found;
  }, true);
  return found;
}

/**
 * The Go module a file belongs to: the deepest folder among `moduleRoots` (the folders holding a go.mod)
 * that contains it; '' (the whole repository) when no go.mod is known.
 */
function moduleOf(file: string, moduleRoots: readonly string[]): string {
  let best = '';
  for (const root of moduleRoots) if ((root === '' || file.startsWith(`${root}/`)) && root.length >= best.length) best = root;
  return best;
}

/** `moduleRoots`: the folders that hold a go.mod; a module that signs tokens is its own issuer, another module of the repository is not. */
export function goAudienceGaps(sources: readonly SourceFile[], moduleRoots: readonly string[] = []): GoAudienceGap[] {
  const out: GoAudienceGap[] = [];
  const issuers = new Set(sources.filter((source) => source.language === 'go' && !source.file.endsWith('_test.go') && signsTokens(source)).map((source) => moduleOf(source.file, moduleRoots)));
  for (const parse of goJwtParses(sources)) {
    if (issuers.has(moduleOf(parse.source.file, moduleRoots))) continue;
    if (parse.opaque || /^(ParseUnverified|ParseInsecure|ParseHeader)$/.test(parse.method)) continue;
    // golang-jwt's `Parse` without a key function, jwx without a key: nothing is verified, another check's finding.
    if (parse.library === 'golang-jwt' && !parse.keyfunc) continue;
    if (parse.library === 'jwx' && !KEY_OPTIONS.some((name) => goJwtOption(parse, name))) continue;
    const audience = checked(parse, 'WithAudience', 'aud');
    const issuer = checked(parse, 'WithIssuer', 'iss');
    if (!audience || !issuer) out.push({ source: parse.source, call: parse.call, written: parse.written, audience, issuer });
  }
  return out;
}
