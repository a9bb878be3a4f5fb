/**
 * lcobucci/jwt as the PHP JWT checks read it: where tokens are parsed (`$config->parser()->parse($jwt)`,
 * `(new Parser(new JoseEncoder()))->parse($jwt)`), where they are validated (`$config->validator()->validate($token, …)`
 * / `->assert(…)`, v3's `$token->verify($signer, $key)`), which constraints the validations use
 * (`SignedWith`, `StrictValidAt` / `LooseValidAt` / `ValidAt`, or the configuration's
 * `validationConstraints()` set by `setValidationConstraints(…)`), and unsecured configurations.
 */
import type { SourceFile } from '../../../engine/context.js';
import type { Node } from '../../../parsing/parser.js';
import { phpCalls, type PhpCallSite } from './sinks.js';

export interface LcobucciUse {
  parses: { source: SourceFile; call: PhpCallSite }[];
  validations: { source: SourceFile; call: PhpCallSite }[];
  unsecured: { source: SourceFile; node: Node; written: string }[];
  /** A `SignedWith` constraint is built somewhere (`setValidationConstraints(new SignedWith(…))` included), or v3's `->verify($signer, $key)` is called. */
  signatureChecked: boolean;
  /** A time constraint is built somewhere, or `isExpired()` is tested. */
  expiryChecked: boolean;
}

const TEST_FILES = /(^|\/)(tests?|vendor)\//i;

export function lcobucciUse(sources: readonly SourceFile[]): LcobucciUse {
  const out: LcobucciUse = { parses: [], validations: [], unsecured: [], signatureChecked: false, expiryChecked: false };
  for (const source of sources) {
    if (source.language !== 'php' || TEST_FILES.test(source.file) || !/Lcobucci\\JWT/.test(source.text)) continue;
    for (const call of phpCalls(source.tree.rootNode)) {
      if (call.kind === 'new' && call.name === 'SignedWith') out.signatureChecked = true;
      if (call.kind === 'new' && /^(StrictValidAt|LooseValidAt|ValidAt)$/.test(call.name)) out.expiryChecked = true;
      if (call.kind === 'method' && call.name === 'isExpired') out.expiryChecked = true;
      if (call.kind === 'method' && call.name === 'verify' && call.args.length === 2) out.signatureChecked = true;
      if (call.kind === 'static' && call.name === 'forUnsecuredSigner') out.unsecured.push({ source, node: call.node, written: 'Configuration::forUnsecuredSigner()' });
      if (call.kind === 'method' && call.name === 'parse' && call.args.length === 1 && call.receiver) {
        const receiver = call.receiver.text;
        if (/->parser\(\)$|^\(?\s*new\s+\\?(Lcobucci\\JWT\\)?(Token\\)?Parser\b|^\$\w*parser$|^\$this->\w*parser$/i.test(receiver)) out.parses.push({ source, call });
      }
      if (call.kind === 'method' && (call.name === 'validate' || call.name === 'assert') && call.args.length >= 1 && call.receiver && /validator/i.test(call.receiver.text)) out.validations.push({ source, call });
    }
  }
  return out;
}
