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

test('with one slot, no background work ever occupies it: a miss never waits behind eager work', async () => {
  const limiter = createLimiter(1);
  expect(limiter.backgroundSlots).toBe(0);
  const log: string[] = [];
  // Even on an idle limiter the lower lane is refused: it would hold the only slot.
  await expect(limiter.runBackground(gate(log, 'b').task)).rejects.toMatchObject({ code: 'overloaded' });
  const f = gate(log, 'f');
  const run = limiter.run(f.task);
  await tick();
  expect(log).toEqual(['f']);
  f.open();
  await run;
  expect(limiter.active).toBe(0);
});

test('background work is capped at min(backgroundSlots, concurrency - 1), even in a burst with no miss', async () => {
  const limiter = createLimiter(4, Number.POSITIVE_INFINITY, { backgroundSlots: 2 });
  expect(limiter.backgroundSlots).toBe(2);
  const log: string[] = [];
  const bs = ['b1', 'b2', 'b3', 'b4'].map((name) => gate(log, name));
  const runs = bs.map((b) => limiter.runBackground(b.task));
  await tick();
  // Four slots, two background slots: two start, two slots stay for misses.
  expect(log).toEqual(['b1', 'b2']);
  const fs = ['f1', 'f2'].map((name) => gate(log, name));
  runs.push(...fs.map((f) => limiter.run(f.task)));
  await tick();
  expect(log).toEqual(['b1', 'b2', 'f1', 'f2']);
  bs[0]!.open();
  await tick();
  await tick();
  // b1's slot is the only free one: it stays free for a miss.
  expect(log).toEqual(['b1', 'b2', 'f1', 'f2']);
  fs[0]!.open();
  await tick();
  await tick();
  // Two free now: b3 takes one, one stays free.
  expect(log).toEqual(['b1', 'b2', 'f1', 'f2', 'b3']);
  for (const g of [...bs, ...fs]) g.open();
  await Promise.all(runs);
  expect(limiter.active).toBe(0);
  // Asking for more background slots than concurrency - 1 gets concurrency - 1.
  expect(createLimiter(3, Number.POSITIVE_INFINITY, { backgroundSlots: 8 }).backgroundSlots).toBe(2);
});

test('a process that serves no misses may give the lower lane every slot explicitly', async () => {
  const limiter = createLimiter(1, Number.POSITIVE_INFINITY, { servesMisses: false });
  const log: string[] = [];
  const b = gate(log, 'b');
  const run = limiter.runBackground(b.task);
  await tick();
  expect(log).toEqual(['b']);
  b.open();
  await run;
});
