// Runs verification tasks in the background: a bounded number at once, identical tasks shared
// while in flight, and queued tasks dropped once every caller waiting for them has cancelled.

export interface Progress {
  queued: number;
  running: number;
  done: number;
  /** Tasks dropped before they started because every caller had cancelled. */
  cancelled: number;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

interface Job {
  start: () => void;
  reject: (e: Error) => void;
  /** One entry per caller; `undefined` for a caller that cannot cancel. */
  signals: Array<AbortSignal | undefined>;
  promise: Promise<unknown>;
  started: boolean;
}

export class Scheduler {
  private readonly queue: Job[] = [];
  private readonly jobs = new Map<string, Job>();
  private running = 0;
  private done = 0;
  private cancelled = 0;

  constructor(private readonly concurrency: number) {}

  /** Runs `task` once per `key` at a time; later callers with the same key share the result. */
  run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const existing = this.jobs.get(key);
    if (existing) {
      existing.signals.push(signal);
      return existing.promise as Promise<T>;
    }
    let job!: Job;
    const promise = new Promise<T>((resolve, reject) => {
      job = {
        signals: [signal],
        started: false,
        reject,
        promise: undefined as unknown as Promise<unknown>,
        start: () => {
          job.started = true;
          this.running++;
          task()
            .then(resolve, reject)
            .finally(() => {
              this.running--;
              this.done++;
              this.jobs.delete(key);
              this.pump();
            });
        },
      };
    });
    job.promise = promise;
    this.jobs.set(key, job);
    promise.catch(() => undefined); // callers handle rejections; this only keeps Node from reporting them twice
    this.queue.push(job);
    this.pump();
    return promise;
  }

  get progress(): Progress {
    return { queued: this.queue.length, running: this.running, done: this.done, cancelled: this.cancelled };
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      if (next.signals.every((s) => s?.aborted)) {
        for (const [key, job] of this.jobs) if (job === next) this.jobs.delete(key);
        next.reject(new CancelledError());
        this.cancelled++;
        continue;
      }
      next.start();
    }
  }
}
