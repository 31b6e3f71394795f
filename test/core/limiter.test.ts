import { expect, test } from 'bun:test';
import { createLimiter } from '../../src/core/limiter';

/** A task that runs until released, recording when it started. */
function gate(log: string[], name: string) {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { task: async () => (log.push(name), await opened), open };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test('background tasks leave a slot free and never start ahead of a waiting foreground task', async () => {
  const limiter = createLimiter(3);
  const log: string[] = [];
  const [b1, b2, b3] = ['b1', 'b2', 'b3'].map((name) => gate(log, name));
  const runs = [limiter.runBackground(b1!.task), limiter.runBackground(b2!.task), limiter.runBackground(b3!.task)];
  await tick();
  // Three slots: background takes two at most, one stays free.
  expect(log).toEqual(['b1', 'b2']);
  const f1 = gate(log, 'f1');
  const f2 = gate(log, 'f2');
  runs.push(limiter.run(f1.task), limiter.run(f2.task));
  await tick();
  // The free slot goes to the first miss at once; the second waits, and the freed slot is its.
  expect(log).toEqual(['b1', 'b2', 'f1']);
  b1!.open();
  await tick();
  expect(log).toEqual(['b1', 'b2', 'f1', 'f2']);
  f1.open();
  f2.open();
  await tick();
  await tick();
  expect(log).toEqual(['b1', 'b2', 'f1', 'f2', 'b3']);
  b2!.open();
  b3!.open();
  await Promise.all(runs);
  expect(limiter.active).toBe(0);
});

test('with one slot, background work runs only when it is idle', async () => {
  const limiter = createLimiter(1);
  const log: string[] = [];
  const f = gate(log, 'f');
  const b = gate(log, 'b');
  const runs = [limiter.run(f.task), limiter.runBackground(b.task)];
  await tick();
  expect(log).toEqual(['f']);
  f.open();
  await tick();
  await tick();
  expect(log).toEqual(['f', 'b']);
  b.open();
  await Promise.all(runs);
});
