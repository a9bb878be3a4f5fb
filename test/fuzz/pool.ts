/**
 * Worker threads that run fuzz cases with a time budget each: a case that runs past its budget is
 * a `stall`, and its worker is terminated and replaced (synchronous work cannot be interrupted
 * any other way). The workers load the TypeScript sources through tsx.
 */
import { Worker } from 'node:worker_threads';
import type { CaseOutcome, FuzzCase } from './case.js';

const BOOT = `
const { parentPort, workerData } = require('node:worker_threads');
import('tsx/esm/api')
  .then((tsx) => { tsx.register(); return import(workerData.entry); })
  .then((mod) => {
    parentPort.on('message', async (fuzz) => {
      try {
        parentPort.postMessage({ ok: true, outcome: await mod.runCase(fuzz) });
      } catch (error) {
        parentPort.postMessage({ ok: false, error: String(error && error.stack || error) });
      }
    });
    parentPort.postMessage({ ready: true });
  });
`;

interface Reply {
  ok?: boolean;
  ready?: boolean;
  outcome?: CaseOutcome;
  error?: string;
}

class Slot {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;

  private start(): Promise<void> {
    const worker = new Worker(BOOT, { eval: true, workerData: { entry: new URL('./case.ts', import.meta.url).href }, resourceLimits: { maxOldGenerationSizeMb: 1536 } });
    this.worker = worker;
    worker.unref();
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (reply: Reply): void => {
        if (reply.ready === true) {
          worker.off('message', onMessage);
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
    return this.ready;
  }

  async run(fuzz: FuzzCase, budgetMs: number): Promise<CaseOutcome> {
    if (!this.worker || !this.ready) await this.start();
    else await this.ready;
    const worker = this.worker as Worker;
    return new Promise<CaseOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: CaseOutcome, restart: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (restart) {
          this.worker = undefined;
          this.ready = undefined;
          void worker.terminate();
        }
        resolve(outcome);
      };
      const onMessage = (reply: Reply): void => {
        if (reply.ok === true && reply.outcome) finish(reply.outcome, false);
        else finish({ failures: [{ kind: 'crash', detail: `worker: ${(reply.error ?? 'no outcome').slice(0, 400)}` }] }, false);
      };
      // An error escaping every handler (an unhandled rejection, a heap exhausted) kills the worker.
      const onError = (error: Error): void => {
        finish({ failures: [{ kind: 'crash', detail: `worker died: ${error.message.slice(0, 300)}` }] }, true);
      };
      const onExit = (code: number): void => {
        finish({ failures: [{ kind: 'crash', detail: `worker exited with ${code}` }] }, true);
      };
      const timer = setTimeout(() => {
        finish({ failures: [{ kind: 'stall', detail: `over ${budgetMs} ms` }] }, true);
      }, budgetMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage(fuzz);
    });
  }

  async close(): Promise<void> {
    if (this.worker) await this.worker.terminate();
    this.worker = undefined;
  }
}

export class Pool {
  private readonly slots: Slot[];
  private readonly idle: Slot[];
  private readonly waiting: ((slot: Slot) => void)[] = [];

  constructor(size: number) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => new Slot());
    this.idle = [...this.slots];
  }

  private acquire(): Promise<Slot> {
    const slot = this.idle.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.idle.push(slot);
  }

  /** Runs a case on the next free worker; `ms` is the time it ran there (not the wait for a worker). */
  async run(fuzz: FuzzCase, budgetMs: number): Promise<CaseOutcome & { ms: number }> {
    const slot = await this.acquire();
    const started = performance.now();
    try {
      const outcome = await slot.run(fuzz, budgetMs);
      return { ...outcome, ms: performance.now() - started };
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.close()));
  }
}
