/**
 * A server that answers 200 "yes" to every request, whatever the method, path, headers or body
 * (Nuclei's false-positive check): a probe that fires here matched a status code, not evidence.
 */
import type { StartedServer } from './common.js';
import { sendText, startServer } from './common.js';

export async function startSayYesServer(): Promise<StartedServer> {
  return startServer((_req, res) => {
    sendText(res, 200, 'yes', 'text/plain; charset=utf-8');
  });
}
