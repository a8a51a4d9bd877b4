// Runs verification tasks in the background: a bounded number at once, identical tasks shared
// while in flight, queued tasks dropped when their caller cancels, and progress reported.

export interface Progress {
  queued: number;
  running: number;
  done: number;
}

interface QueuedTask {
  run: () => void;
  signal?: AbortSignal;
  reject: (e: Error) => void;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export class Scheduler {
  private readonly queue: QueuedTask[] = [];
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private running = 0;
  private done = 0;
  private readonly listeners = new Set<(p: Progress) => void>();

  constructor(private readonly concurrency: number) {}

  /** Runs `task` once per `key` at a time; later callers with the same key share the result. */
  run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const existing = this.inFlight.get(key) as Promise<T> | undefined;
    if (existing) return existing;
    const promise = new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        this.emit();
        task()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.done++;
            this.inFlight.delete(key);
            this.pump();
          });
      };
      this.queue.push({ run: start, signal, reject });
      this.pump();
    });
    this.inFlight.set(key, promise);
    promise.catch(() => this.inFlight.delete(key));
    return promise;
  }

  onProgress(listener: (p: Progress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get progress(): Progress {
    return { queued: this.queue.length, running: this.running, done: this.done };
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      if (next.signal?.aborted) {
        next.reject(new CancelledError());
        continue;
      }
      next.run();
    }
    this.emit();
  }

  private emit(): void {
    const p = this.progress;
    for (const listener of this.listeners) listener(p);
  }
}
