import type { AnyCheck } from './define-check.js';
import additionalPropertiesUnconstrained from './additional-properties-unconstrained/check.js';
import adminRouteWithoutRoleCheck from './admin-route-without-role-check/check.js';
import adminSharedSecurityScheme from './admin-shared-security-scheme/check.js';
import apiKeyInUrl from './api-key-in-url/check.js';
import apiKeyStoredInPlaintext from './api-key-stored-in-plaintext/check.js';
import apiKeyWithoutScope from './api-key-without-scope/check.js';
import arrayMaxItemsMissing from './array-max-items-missing/check.js';
import authRateLimitUndocumented from './auth-rate-limit-undocumented/check.js';
import basicAuthWithoutTls from './basic-auth-without-tls/check.js';
import bolaMissingOwnershipCheck from './bola-missing-ownership-check/check.js';
import businessFlowRateLimitUndocumented from './business-flow-rate-limit-undocumented/check.js';
import commandInjection from './command-injection/check.js';
import corsNullOriginAllowed from './cors-null-origin-allowed/check.js';
import corsOriginReflected from './cors-origin-reflected/check.js';
import corsOriginRegexTooBroad from './cors-origin-regex-too-broad/check.js';
import corsOriginUndefined from './cors-origin-undefined/check.js';
import corsWildcardOnAuthenticatedApi from './cors-wildcard-on-authenticated-api/check.js';
import corsWildcardWithCredentials from './cors-wildcard-with-credentials/check.js';
import credentialsInUrl from './credentials-in-url/check.js';
import csrfDisabledWithSessionAuth from './csrf-disabled-with-session-auth/check.js';
import debugModeEnabled from './debug-mode-enabled/check.js';
import dependencyScanningAbsent from './dependency-scanning-absent/check.js';
import deprecatedOperationServed from './deprecated-operation-served/check.js';
import errorResponsesUndefined from './error-responses-undefined/check.js';
import excessiveDataExposure from './excessive-data-exposure/check.js';
import graphqlFieldSuggestionsEnabled from './graphql-field-suggestions-enabled/check.js';
import graphqlIntrospectionEnabled from './graphql-introspection-enabled/check.js';
import graphqlQueryCostUnlimited from './graphql-query-cost-unlimited/check.js';
import httpBasicAuth from './http-basic-auth/check.js';
import httpsNotEnforced from './https-not-enforced/check.js';
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
import massAssignmentRequestBody from './mass-assignment-request-body/check.js';
import massAssignmentUnknownFields from './mass-assignment-unknown-fields/check.js';
import nonProductionServer from './non-production-server/check.js';
import nosqlInjection from './nosql-injection/check.js';
import numericObjectId from './numeric-object-id/check.js';
import oauthAuthorizationCodeWithoutPkce from './oauth-authorization-code-without-pkce/check.js';
import oauthFlowWithoutRefresh from './oauth-flow-without-refresh/check.js';
import oauthImplicitOrPasswordGrant from './oauth-implicit-or-password-grant/check.js';
import oauthImplicitOrPasswordGrantInCode from './oauth-implicit-or-password-grant-in-code/check.js';
import olderVersionWeakerAuth from './older-version-weaker-auth/check.js';
import operationPastSunset from './operation-past-sunset/check.js';
import outboundHttpPlaintext from './outbound-http-plaintext/check.js';
import outboundRequestWithoutTimeout from './outbound-request-without-timeout/check.js';
import ownershipFilterAllowsMissingUser from './ownership-filter-allows-missing-user/check.js';
import pageSizeUnbounded from './page-size-unbounded/check.js';
import pageSizeUncappedInCode from './page-size-uncapped-in-code/check.js';
import pathTraversal from './path-traversal/check.js';
import paymentMutationWithoutIdempotencyKey from './payment-mutation-without-idempotency-key/check.js';
import paymentWithoutIdempotencyKey from './payment-without-idempotency-key/check.js';
import rateLimitKeyedByIpOnly from './rate-limit-keyed-by-ip-only/check.js';
import rateLimitRetryAfterMissing from './rate-limit-retry-after-missing/check.js';
import rateLimitStoreInMemory from './rate-limit-store-in-memory/check.js';
import rateLimitUndocumented from './rate-limit-undocumented/check.js';
import rateLimitingAbsent from './rate-limiting-absent/check.js';
import readOperationUnauthenticated from './read-operation-unauthenticated/check.js';
import redirectsFollowedUnbounded from './redirects-followed-unbounded/check.js';
import requestBodyNotValidated from './request-body-not-validated/check.js';
import requestBodySizeUnbounded from './request-body-size-unbounded/check.js';
import requestLoggingWithoutCorrelationId from './request-logging-without-correlation-id/check.js';
import roleCheckOnlyInClient from './role-check-only-in-client/check.js';
import secretComparedNonConstantTime from './secret-compared-non-constant-time/check.js';
import securityHeadersMissing from './security-headers-missing/check.js';
import securitySchemeUndefined from './security-scheme-undefined/check.js';
import securitySchemeUnused from './security-scheme-unused/check.js';
import sensitiveDataInResponse from './sensitive-data-in-response/check.js';
import sensitiveDataInUrl from './sensitive-data-in-url/check.js';
import sensitiveEndpointWithoutStrictLimit from './sensitive-endpoint-without-strict-limit/check.js';
import sensitiveOperationOptsOutOfAuth from './sensitive-operation-opts-out-of-auth/check.js';
import sensitiveResponseCacheable from './sensitive-response-cacheable/check.js';
import sensitiveValueInOutboundQuery from './sensitive-value-in-outbound-query/check.js';
import serverInventoryUnlabelled from './server-inventory-unlabelled/check.js';
import serverPlainHttp from './server-plain-http/check.js';
import shadowEndpoint from './shadow-endpoint/check.js';
import specAuthNotEnforced from './spec-auth-not-enforced/check.js';
import specSecurityUndeclared from './spec-security-undeclared/check.js';
import sqlInjection from './sql-injection/check.js';
import ssrfUrlInput from './ssrf-url-input/check.js';
import ssrfUserControlledUrl from './ssrf-user-controlled-url/check.js';
import stringLengthUnbounded from './string-length-unbounded/check.js';
import thirdPartyResponseTrusted from './third-party-response-trusted/check.js';
import tlsCertificateVerificationDisabled from './tls-certificate-verification-disabled/check.js';
import tlsVersionOutdated from './tls-version-outdated/check.js';
import tokenAcceptedFromUrl from './token-accepted-from-url/check.js';
import tokenInWebStorage from './token-in-web-storage/check.js';
import tokenRevocationMissing from './token-revocation-missing/check.js';
import unauthenticatedEndpoint from './unauthenticated-endpoint/check.js';
import unboundedInputInValidator from './unbounded-input-in-validator/check.js';
import uploadWithoutLimits from './upload-without-limits/check.js';
import userControlledRegex from './user-controlled-regex/check.js';
import validationAllowsUnknownFields from './validation-allows-unknown-fields/check.js';
import verboseErrorResponse from './verbose-error-response/check.js';
import weakPasswordHashing from './weak-password-hashing/check.js';
import webhookEventNotIdempotent from './webhook-event-not-idempotent/check.js';
import webhookReplayWindowMissing from './webhook-replay-window-missing/check.js';
import webhookSentUnsigned from './webhook-sent-unsigned/check.js';
import webhookSignatureNotVerified from './webhook-signature-not-verified/check.js';
import webhookSignatureUndocumented from './webhook-signature-undocumented/check.js';
import writeOperationUnauthenticated from './write-operation-unauthenticated/check.js';
import xPoweredByNotDisabled from './x-powered-by-not-disabled/check.js';
import xmlExternalEntities from './xml-external-entities/check.js';
import zombieEndpoint from './zombie-endpoint/check.js';

/** The catalogue: explicit and sorted by id (a test checks it against the folders). */
export const allChecks: readonly AnyCheck[] = [
  additionalPropertiesUnconstrained,
  adminRouteWithoutRoleCheck,
  adminSharedSecurityScheme,
  apiKeyInUrl,
  apiKeyStoredInPlaintext,
  apiKeyWithoutScope,
  arrayMaxItemsMissing,
  authRateLimitUndocumented,
  basicAuthWithoutTls,
  bolaMissingOwnershipCheck,
  businessFlowRateLimitUndocumented,
  commandInjection,
  corsNullOriginAllowed,
  corsOriginReflected,
  corsOriginRegexTooBroad,
  corsOriginUndefined,
  corsWildcardOnAuthenticatedApi,
  corsWildcardWithCredentials,
  credentialsInUrl,
  csrfDisabledWithSessionAuth,
  debugModeEnabled,
  dependencyScanningAbsent,
  deprecatedOperationServed,
  errorResponsesUndefined,
  excessiveDataExposure,
  graphqlFieldSuggestionsEnabled,
  graphqlIntrospectionEnabled,
  graphqlQueryCostUnlimited,
  httpBasicAuth,
  httpsNotEnforced,
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
  massAssignmentRequestBody,
  massAssignmentUnknownFields,
  nonProductionServer,
  nosqlInjection,
  numericObjectId,
  oauthAuthorizationCodeWithoutPkce,
  oauthFlowWithoutRefresh,
  oauthImplicitOrPasswordGrant,
  oauthImplicitOrPasswordGrantInCode,
  olderVersionWeakerAuth,
  operationPastSunset,
  outboundHttpPlaintext,
  outboundRequestWithoutTimeout,
  ownershipFilterAllowsMissingUser,
  pageSizeUnbounded,
  pageSizeUncappedInCode,
  pathTraversal,
  paymentMutationWithoutIdempotencyKey,
  paymentWithoutIdempotencyKey,
  rateLimitKeyedByIpOnly,
  rateLimitRetryAfterMissing,
  rateLimitStoreInMemory,
  rateLimitUndocumented,
  rateLimitingAbsent,
  readOperationUnauthenticated,
  redirectsFollowedUnbounded,
  requestBodyNotValidated,
  requestBodySizeUnbounded,
  requestLoggingWithoutCorrelationId,
  roleCheckOnlyInClient,
  secretComparedNonConstantTime,
  securityHeadersMissing,
  securitySchemeUndefined,
  securitySchemeUnused,
  sensitiveDataInResponse,
  sensitiveDataInUrl,
  sensitiveEndpointWithoutStrictLimit,
  sensitiveOperationOptsOutOfAuth,
  sensitiveResponseCacheable,
  sensitiveValueInOutboundQuery,
  serverInventoryUnlabelled,
  serverPlainHttp,
  shadowEndpoint,
  specAuthNotEnforced,
  specSecurityUndeclared,
  sqlInjection,
  ssrfUrlInput,
  ssrfUserControlledUrl,
  stringLengthUnbounded,
  thirdPartyResponseTrusted,
  tlsCertificateVerificationDisabled,
  tlsVersionOutdated,
  tokenAcceptedFromUrl,
  tokenInWebStorage,
  tokenRevocationMissing,
  unauthenticatedEndpoint,
  unboundedInputInValidator,
  uploadWithoutLimits,
  userControlledRegex,
  validationAllowsUnknownFields,
  verboseErrorResponse,
  weakPasswordHashing,
  webhookEventNotIdempotent,
  webhookReplayWindowMissing,
  webhookSentUnsigned,
  webhookSignatureNotVerified,
  webhookSignatureUndocumented,
  writeOperationUnauthenticated,
  xPoweredByNotDisabled,
  xmlExternalEntities,
  zombieEndpoint,
];
