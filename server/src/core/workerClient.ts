// A worker thread for work that takes seconds (validating a large SBOM against its schema,
// parsing a chart repository's multi-megabyte index) and must not hold up the language server's
// event loop. One worker per script, started on first use; it keeps the process alive only while
// it has work, and a worker that fails or ends leaves nothing waiting (the next request starts a
// new one). The script answers `{ id, …answer }` to each `{ id, …request }`.

import { Worker } from 'node:worker_threads';

export class WorkerClient<Request extends object, Answer extends object> {
  private worker?: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, (answer: Answer | { failure: string }) => void>();

  /**
   * `script`: the worker's file. Callers give it beside themselves (`path.join(__dirname, …)`):
   * beside their module when compiled, beside the bundle when bundled (the worker is its own esbuild entry).
   */
  constructor(private readonly script: string) {}

  request(request: Request): Promise<Answer | { failure: string }> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      worker.ref();
      worker.postMessage({ id, ...request });
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', ({ id, ...answer }: { id: number } & Answer) => {
      this.pending.get(id)?.(answer as unknown as Answer);
      this.pending.delete(id);
      if (this.pending.size === 0) worker.unref();
    });
    const gone = (reason: string) => {
      for (const settle of this.pending.values()) settle({ failure: reason });
      this.pending.clear();
      this.worker = undefined;
    };
    worker.on('error', (error) => gone(error.message));
    worker.on('exit', (code) => gone(`the worker stopped (exit code ${code})`));
    // After the listeners, which would otherwise hold the process open again.
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
