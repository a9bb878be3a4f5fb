import type { Probe } from '../probe.js';
import apiDocsExposed from './api-docs-exposed/probe.js';
import bolaCrossIdentityAccess from './bola-cross-identity-access/probe.js';
import corsUntrustedOriginAllowed from './cors-untrusted-origin-allowed/probe.js';
import endpointServedWithoutCredentials from './endpoint-served-without-credentials/probe.js';
import errorDetailsLeaked from './error-details-leaked/probe.js';
import graphqlAliasesUnlimited from './graphql-aliases-unlimited/probe.js';
import graphqlBatchingUnlimited from './graphql-batching-unlimited/probe.js';
import graphqlDepthUnlimited from './graphql-depth-unlimited/probe.js';
import graphqlIntrospectionOpen from './graphql-introspection-open/probe.js';
import graphqlSuggestionsLeakSchema from './graphql-suggestions-leak-schema/probe.js';
import httpMethodsUnrestricted from './http-methods-unrestricted/probe.js';
import malformedTokenAccepted from './malformed-token-accepted/probe.js';
import pageSizeNotCapped from './page-size-not-capped/probe.js';
import privilegedPropertyWritable from './privileged-property-writable/probe.js';
import rateLimitNotObserved from './rate-limit-not-observed/probe.js';
import redirectOffTarget from './redirect-off-target/probe.js';
import securityHeadersMissingLive from './security-headers-missing-live/probe.js';
import serverVersionDisclosed from './server-version-disclosed/probe.js';
import tlsLegacyVersionAccepted from './tls-legacy-version-accepted/probe.js';
import tokenAlgNoneAccepted from './token-alg-none-accepted/probe.js';
import tokenExpiredAccepted from './token-expired-accepted/probe.js';
import tokenKeyConfusionAccepted from './token-key-confusion-accepted/probe.js';
import tokenSignatureStrippedAccepted from './token-signature-stripped-accepted/probe.js';
import tokenWrongAudienceAccepted from './token-wrong-audience-accepted/probe.js';
import transportSecurityMissing from './transport-security-missing/probe.js';

/** Every live probe, sorted by id (a test checks it against the folders). */
export const allProbes: readonly Probe[] = [
  apiDocsExposed,
  bolaCrossIdentityAccess,
  corsUntrustedOriginAllowed,
  endpointServedWithoutCredentials,
  errorDetailsLeaked,
  graphqlAliasesUnlimited,
  graphqlBatchingUnlimited,
  graphqlDepthUnlimited,
  graphqlIntrospectionOpen,
  graphqlSuggestionsLeakSchema,
  httpMethodsUnrestricted,
  malformedTokenAccepted,
  pageSizeNotCapped,
  privilegedPropertyWritable,
  rateLimitNotObserved,
  redirectOffTarget,
  securityHeadersMissingLive,
  serverVersionDisclosed,
  tlsLegacyVersionAccepted,
  tokenAlgNoneAccepted,
  tokenExpiredAccepted,
  tokenKeyConfusionAccepted,
  tokenSignatureStrippedAccepted,
  tokenWrongAudienceAccepted,
  transportSecurityMissing,
];
