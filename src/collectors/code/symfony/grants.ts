import type { Location } from '../../../model/types.js';

/** A route before its authentication is decided. */
export interface SymfonyRoute {
  methods: string[];
  path: string;
  location: Location;
  handler?: Location;
  /** Access requirements declared on the controller or the operation (`#[IsGranted]`, `security:`). */
  grants: Grant[];
}

/** `#[IsGranted('ROLE_USER')]`, `@Security("is_granted('ROLE_ADMIN')")`, `denyAccessUnlessGranted(...)`, API Platform `security:`. */
export interface Grant {
  attributes: string[];
  /** The expression could not be reduced to `is_granted(...)` calls joined by `and`. */
  opaque?: string;
  subject?: boolean;
  where: Location;
}

/** `is_granted('ROLE_ADMIN') and is_granted('IS_AUTHENTICATED_FULLY')` → both roles; anything else is opaque. */
export function expressionGrant(expression: string, where: Location): Grant {
  // `security: 'true'` lets everyone through, as PUBLIC_ACCESS does.
  if (expression.trim() === 'true') return { attributes: ['PUBLIC_ACCESS'], where };
  const parts = expression.split(/\s+(?:and|&&)\s+/);
  const attributes: string[] = [];
  for (const part of parts) {
    if (/^\s*is_(?:fully_)?authenticated\(\s*\)\s*$/.test(part)) {
      attributes.push(/fully/.test(part) ? 'IS_AUTHENTICATED_FULLY' : 'IS_AUTHENTICATED');
      continue;
    }
    const match = /^\s*is_granted\(\s*["']([A-Z_]+)["']\s*\)\s*$/.exec(part);
    if (!match?.[1]) return { attributes: [], opaque: expression, where };
    attributes.push(match[1]);
  }
  return { attributes, where };
}

