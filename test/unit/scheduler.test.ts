import * as assert from 'node:assert/strict';
import { CancelledError, Scheduler } from '../../server/src/core/scheduler';

const later = <T>(value: T, ms = 5) => new Promise<T>((r) => setTimeout(() => r(value), ms));

describe('scheduler', () => {
  it('runs at most `concurrency` tasks at once', async () => {
    const s = new Scheduler(2);
    let running = 0;
    let peak = 0;
    const task = async () => {
      peak = Math.max(peak, ++running);
      await later(null);
      running--;
    };
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.run(`k${i}`, task)));
    assert.equal(peak, 2);
    assert.equal(s.progress.done, 10);
  });

  it('shares one run between callers of the same key', async () => {
    const s = new Scheduler(1);
    let runs = 0;
    const task = async () => {
      runs++;
      return later(42);
    };
    assert.deepEqual(await Promise.all([s.run('k', task), s.run('k', task)]), [42, 42]);
    assert.equal(runs, 1);
  });

  it('drops a queued task when its caller cancels', async () => {
    const s = new Scheduler(1);
    const blocker = s.run('busy', () => later(null, 20));
    const controller = new AbortController();
    let ran = false;
    const cancelled = s.run('k', async () => (ran = true), controller.signal);
    controller.abort();
    await blocker;
    await assert.rejects(cancelled, CancelledError);
    assert.equal(ran, false);
  });

  it('still runs a shared task when only one of its callers cancels', async () => {
    const s = new Scheduler(1);
    const blocker = s.run('busy', () => later(null, 20));
    const a = new AbortController();
    const first = s.run('k', () => later('done'), a.signal);
    const second = s.run('k', () => later('done'), new AbortController().signal);
    a.abort();
    await blocker;
    assert.equal(await second, 'done');
    assert.equal(await first, 'done');
  });
});
