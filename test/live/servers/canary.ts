/**
 * The canary: stands for any host other than the target. It only records what reaches it; a test
 * asserts its `requests` stay empty, however the target redirects.
 */
import type { StartedServer } from './common.js';
import { sendText, startServer } from './common.js';

export async function startCanaryServer(): Promise<StartedServer> {
  return startServer((_req, res) => {
    sendText(res, 200, 'canary', 'text/plain; charset=utf-8');
  });
}
