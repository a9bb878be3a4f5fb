import type { Probe } from '../probe.js';
import endpointServedWithoutCredentials from './endpoint-served-without-credentials/probe.js';
import malformedTokenAccepted from './malformed-token-accepted/probe.js';
import securityHeadersMissingLive from './security-headers-missing-live/probe.js';
import serverVersionDisclosed from './server-version-disclosed/probe.js';

/** Every live probe, sorted by id (a test checks it against the folders). */
export const allProbes: readonly Probe[] = [endpointServedWithoutCredentials, malformedTokenAccepted, securityHeadersMissingLive, serverVersionDisclosed];
