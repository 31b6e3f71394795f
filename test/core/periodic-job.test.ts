import { describe, expect, test } from 'bun:test';
import { createPeriodicJob } from '../../src/core/periodic-job';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createPeriodicJob', () => {
  test('runs at start and every interval; a slow pass is not doubled; stop waits for it and ends the ticks', async () => {
    let started = 0;
    let finished = 0;
    let release: () => void = () => {};
    const job = createPeriodicJob({
      name: 'test job',
      intervalMs: 5,
      pass: async () => {
        started += 1;
        await new Promise<void>((resolve) => (release = resolve));
        finished += 1;
      },
    });
    job.start();
    job.start(); // a second start is no second timer
    expect(started).toBe(1);
    await sleep(40); // several ticks while the first pass still runs
    expect(started).toBe(1);
    release();
    await sleep(30);
    expect(started).toBeGreaterThan(1);
    const stopping = job.stop();
    release();
    await stopping;
    expect(finished).toBe(started);
    await sleep(30);
    expect(started).toBe(finished);
  });

  test('a failed pass goes to onError and the next tick tries again', async () => {
    const errors: unknown[] = [];
    let passes = 0;
    const job = createPeriodicJob({
      name: 'test job',
      intervalMs: 5,
      onError: (error) => errors.push(error),
      pass: async () => {
        passes += 1;
        if (passes === 1) throw new Error('disk away');
      },
    });
    job.start();
    await sleep(40);
    await job.stop();
    expect(errors).toEqual([new Error('disk away')]);
    expect(passes).toBeGreaterThan(1);
  });

  test('an infinite interval never runs', async () => {
    let passes = 0;
    const job = createPeriodicJob({ name: 'test job', intervalMs: Number.POSITIVE_INFINITY, pass: async () => void (passes += 1) });
    job.start();
    await job.stop();
    expect(passes).toBe(0);
  });
});
