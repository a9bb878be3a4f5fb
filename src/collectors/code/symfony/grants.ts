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
  /** The security expression as written, for an object-level grant read from one. */
  expression?: string;
  where: Location;
}

const CALLER = String.raw`user(?:\.\w+(?:\(\))?)*`;
const OBJECT = String.raw`(?:previous_)?object(?:\.\w+(?:\(\))?)+|(?:previous_)?object`;
const OBJECT_CHECK = new RegExp(String.raw`^\s*\(?\s*(?:(?:${OBJECT})\s*===?\s*${CALLER}|${CALLER}\s*===?\s*(?:${OBJECT})|(?:previous_)?object\.\w+\(\s*user\s*\))\s*\)?\s*$`);

/**
 * `is_granted('ROLE_ADMIN') and is_granted('IS_AUTHENTICATED_FULLY')` → both roles; a part comparing the object
 * with the caller (`object.owner == user`) or asking a voter about it (`is_granted('EDIT', object)`) makes the
 * grant an object-level one (`subject`); anything else (`or`, other functions) is opaque.
 */
export function expressionGrant(expression: string, where: Location): Grant {
  // `security: 'true'` lets everyone through, as PUBLIC_ACCESS does.
  if (expression.trim() === 'true') return { attributes: ['PUBLIC_ACCESS'], where };
  const parts = expression.trim().replace(/^\((.*)\)$/s, '$1').split(/\s+(?:and|&&)\s+/);
  const attributes: string[] = [];
  let subject = false;
  let voter: string | undefined;
  for (const part of parts) {
    if (/^\s*is_(?:fully_)?authenticated\(\s*\)\s*$/.test(part)) {
      attributes.push(/fully/.test(part) ? 'IS_AUTHENTICATED_FULLY' : 'IS_AUTHENTICATED');
      continue;
    }
    // The object compared with the caller (`object.owner == user`, `user === object.getAuthor()`, `object.isOwnedBy(user)`).
    if (OBJECT_CHECK.test(part)) {
      subject = true;
      continue;
    }
    // A voter asked about the object (`is_granted('BOOK_EDIT', object)`).
    const voted = /^\s*is_granted\(\s*["']([A-Za-z_]+)["']\s*,\s*(?:object|previous_object)\s*\)\s*$/.exec(part);
    if (voted?.[1]) {
      subject = true;
      if (voted[1].startsWith('ROLE_')) attributes.push(voted[1]);
      else voter = voted[1];
      continue;
    }
    const match = /^\s*is_granted\(\s*["']([A-Z_]+)["']\s*\)\s*$/.exec(part);
    // `is_granted('ROLE_ADMIN') or object.owner == user`: undecided for authentication, but it reads the object.
    if (!match?.[1]) return { attributes: [], opaque: expression, where, ...(/\bobject\b/.test(expression) ? { subject: true } : {}) };
    attributes.push(match[1]);
  }
  return subject ? { attributes: attributes.length > 0 ? attributes : [voter ?? 'OBJECT_ACCESS'], subject, expression: expression.trim(), where } : { attributes, where };
}

