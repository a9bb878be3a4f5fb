import { tokenProbeSuite } from '../../../../test/live/token-probe-suite.js';
import tokenProbe from './probe.js';

tokenProbeSuite(tokenProbe, /^token-signature-stripped-accepted \[critical\]: `GET \/api\/users\/me` .*accepted identity A.s token with its signature removed/);
