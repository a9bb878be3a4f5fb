import { tokenProbeSuite } from '../../../../test/live/token-probe-suite.js';
import tokenProbe from './probe.js';

tokenProbeSuite(tokenProbe, /^token-expired-accepted \[high\]: `GET \/api\/users\/me` .*token expired an hour ago .*minted with `alg: none`/);
