import { tokenProbeSuite } from '../../../../test/live/token-probe-suite.js';
import tokenProbe from './probe.js';

tokenProbeSuite(tokenProbe, /^token-key-confusion-accepted \[critical\]: `GET \/api\/users\/me` .*signed with HS256 keyed with the target.s own public key/);
