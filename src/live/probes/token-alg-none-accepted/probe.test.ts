import { tokenProbeSuite } from '../../../../test/live/token-probe-suite.js';
import tokenProbe from './probe.js';

tokenProbeSuite(tokenProbe, /^token-alg-none-accepted \[critical\]: `GET \/api\/users\/me` .*accepted identity A.s token rewritten with `alg: none`/);
