import { tokenProbeSuite } from '../../../../test/live/token-probe-suite.js';
import tokenProbe from './probe.js';

tokenProbeSuite(tokenProbe, /^token-wrong-audience-accepted \[high\]: `GET \/api\/users\/me` .*issued for another audience .*minted with `alg: none`/);
