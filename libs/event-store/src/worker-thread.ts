import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';

/**
 * The compiled file of a worker thread that sits next to `dir` (pass __dirname). Under
 * ts-jest the caller is TypeScript, which a worker cannot run: the build's copy is used
 * (`npm test` builds first).
 */
export const compiledWorkerFile = (dir: string, name: string): string => {
  const here = join(dir, `${name}.js`);
  if (existsSync(here)) return here;
  // The last libs/ of the path is the repository's (a checkout may sit under another).
  const built = join(dir.replace(/^(.*)([\\/])libs([\\/])/, '$1$2dist$2libs$3'), `${name}.js`);
  if (existsSync(built)) return built;
  throw new Error(`The code of the ${name} thread is missing (${built}): run npm run build`);
};

/** A message to a thread as its caller writes it: WorkerCalls adds the id. */
export type WithoutId<Message> = Message extends unknown ? Omit<Message, 'id'> : never;

/**
 * Calls to a worker thread, each answered by a message carrying its id. The thread keeps the
 * process running while a call waits, not while it idles (a CLI that awaits a call gets its
 * answer; a server's thread does not keep it up). Make it after adding the worker's own
 * listeners: adding one refs the worker again.
 */
export class WorkerCalls<Reply, Call extends object = object> {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (reply: Reply) => void; reject: (error: Error) => void }
  >();

  constructor(private readonly worker: Worker) {
    worker.unref();
  }

  /** Posts `message` with a new `id`; resolves with the answer to that id. */
  call(message: Call): Promise<Reply> {
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  /** The thread answered call `id`: with a reply, or with the error it failed with. */
  answer(id: number, outcome: { reply: Reply } | { error: Error }): void {
    const waiter = this.waiting.get(id);
    if (!waiter) return;
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker.unref();
    if ('error' in outcome) waiter.reject(outcome.error);
    else waiter.resolve(outcome.reply);
  }

  /** The thread is gone: every call still waiting fails with `error`. */
  failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
