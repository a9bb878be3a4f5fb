import type { AnyCheck } from './define-check.js';
import additionalPropertiesUnconstrained from './additional-properties-unconstrained/check.js';
import adminSharedSecurityScheme from './admin-shared-security-scheme/check.js';
import apiKeyInUrl from './api-key-in-url/check.js';
import arrayMaxItemsMissing from './array-max-items-missing/check.js';
import authRateLimitUndocumented from './auth-rate-limit-undocumented/check.js';
import basicAuthWithoutTls from './basic-auth-without-tls/check.js';
import businessFlowRateLimitUndocumented from './business-flow-rate-limit-undocumented/check.js';
import corsOriginUndefined from './cors-origin-undefined/check.js';
import credentialsInUrl from './credentials-in-url/check.js';
import deprecatedOperationServed from './deprecated-operation-served/check.js';
import errorResponsesUndefined from './error-responses-undefined/check.js';
import httpBasicAuth from './http-basic-auth/check.js';
import insecureHttpAuthScheme from './insecure-http-auth-scheme/check.js';
import integerRangeUnbounded from './integer-range-unbounded/check.js';
import jwtAlgorithmsNotPinned from './jwt-algorithms-not-pinned/check.js';
import jwtAudienceNotValidated from './jwt-audience-not-validated/check.js';
import jwtExpiryNotEnforced from './jwt-expiry-not-enforced/check.js';
import jwtHardcodedSecret from './jwt-hardcoded-secret/check.js';
import jwtLongLivedToken from './jwt-long-lived-token/check.js';
import jwtNoneAlgorithmAccepted from './jwt-none-algorithm-accepted/check.js';
import jwtPracticesUnstated from './jwt-practices-unstated/check.js';
import jwtSignatureNotVerified from './jwt-signature-not-verified/check.js';
import massAssignmentPrivilegedProperty from './mass-assignment-privileged-property/check.js';
import massAssignmentUnknownFields from './mass-assignment-unknown-fields/check.js';
import nonProductionServer from './non-production-server/check.js';
import numericObjectId from './numeric-object-id/check.js';
import oauthFlowWithoutRefresh from './oauth-flow-without-refresh/check.js';
import oauthImplicitOrPasswordGrant from './oauth-implicit-or-password-grant/check.js';
import oauthImplicitOrPasswordGrantInCode from './oauth-implicit-or-password-grant-in-code/check.js';
import olderVersionWeakerAuth from './older-version-weaker-auth/check.js';
import operationPastSunset from './operation-past-sunset/check.js';
import pageSizeUnbounded from './page-size-unbounded/check.js';
import paymentWithoutIdempotencyKey from './payment-without-idempotency-key/check.js';
import rateLimitRetryAfterMissing from './rate-limit-retry-after-missing/check.js';
import rateLimitUndocumented from './rate-limit-undocumented/check.js';
import readOperationUnauthenticated from './read-operation-unauthenticated/check.js';
import secretComparedNonConstantTime from './secret-compared-non-constant-time/check.js';
import securitySchemeUndefined from './security-scheme-undefined/check.js';
import securitySchemeUnused from './security-scheme-unused/check.js';
import sensitiveDataInResponse from './sensitive-data-in-response/check.js';
import sensitiveDataInUrl from './sensitive-data-in-url/check.js';
import sensitiveOperationOptsOutOfAuth from './sensitive-operation-opts-out-of-auth/check.js';
import serverInventoryUnlabelled from './server-inventory-unlabelled/check.js';
import serverPlainHttp from './server-plain-http/check.js';
import shadowEndpoint from './shadow-endpoint/check.js';
import specAuthNotEnforced from './spec-auth-not-enforced/check.js';
import ssrfUrlInput from './ssrf-url-input/check.js';
import stringLengthUnbounded from './string-length-unbounded/check.js';
import tokenAcceptedFromUrl from './token-accepted-from-url/check.js';
import tokenInWebStorage from './token-in-web-storage/check.js';
import weakPasswordHashing from './weak-password-hashing/check.js';
import webhookSignatureUndocumented from './webhook-signature-undocumented/check.js';
import writeOperationUnauthenticated from './write-operation-unauthenticated/check.js';
import zombieEndpoint from './zombie-endpoint/check.js';

/** The catalogue: explicit and sorted by id (a test checks it against the folders). */
export const allChecks: readonly AnyCheck[] = [
  additionalPropertiesUnconstrained,
  adminSharedSecurityScheme,
  apiKeyInUrl,
  arrayMaxItemsMissing,
  authRateLimitUndocumented,
  basicAuthWithoutTls,
  businessFlowRateLimitUndocumented,
  corsOriginUndefined,
  credentialsInUrl,
  deprecatedOperationServed,
  errorResponsesUndefined,
  httpBasicAuth,
  insecureHttpAuthScheme,
  integerRangeUnbounded,
  jwtAlgorithmsNotPinned,
  jwtAudienceNotValidated,
  jwtExpiryNotEnforced,
  jwtHardcodedSecret,
  jwtLongLivedToken,
  jwtNoneAlgorithmAccepted,
  jwtPracticesUnstated,
  jwtSignatureNotVerified,
  massAssignmentPrivilegedProperty,
  massAssignmentUnknownFields,
  nonProductionServer,
  numericObjectId,
  oauthFlowWithoutRefresh,
  oauthImplicitOrPasswordGrant,
  oauthImplicitOrPasswordGrantInCode,
  olderVersionWeakerAuth,
  operationPastSunset,
  pageSizeUnbounded,
  paymentWithoutIdempotencyKey,
  rateLimitRetryAfterMissing,
  rateLimitUndocumented,
  readOperationUnauthenticated,
  secretComparedNonConstantTime,
  securitySchemeUndefined,
  securitySchemeUnused,
  sensitiveDataInResponse,
  sensitiveDataInUrl,
  sensitiveOperationOptsOutOfAuth,
  serverInventoryUnlabelled,
  serverPlainHttp,
  shadowEndpoint,
  specAuthNotEnforced,
  ssrfUrlInput,
  stringLengthUnbounded,
  tokenAcceptedFromUrl,
  tokenInWebStorage,
  weakPasswordHashing,
  webhookSignatureUndocumented,
  writeOperationUnauthenticated,
  zombieEndpoint,
];
