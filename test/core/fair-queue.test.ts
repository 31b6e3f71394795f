import { expect, test } from 'bun:test';
import { createFairQueue } from '../../src/core/fair-queue';
import { createLimiter } from '../../src/core/limiter';

const drain = <T>(queue: { dequeue(): T | undefined }) => {
  const order: T[] = [];
  for (let next = queue.dequeue(); next !== undefined; next = queue.dequeue()) order.push(next);
  return order;
};

test('a client arriving behind a flood is served next, then the clients alternate', () => {
  const queue = createFairQueue<string>({ max: 100 });
  for (let i = 1; i <= 5; i++) queue.enqueue('A', `a${i}`);
  queue.enqueue('B', 'b1');
  queue.enqueue('B', 'b2');
  expect(drain(queue)).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'a4', 'a5']);
});

test('after the flood has been served for a while, a newcomer still goes next', () => {
  const queue = createFairQueue<string>({ max: 1000 });
  for (let i = 1; i <= 500; i++) queue.enqueue('A', `a${i}`);
  const served = Array.from({ length: 200 }, () => queue.dequeue());
  expect(served.at(-1)).toBe('a200');
  queue.enqueue('B', 'b1');
  expect(queue.dequeue()).toBe('b1');
  expect(queue.dequeue()).toBe('a201');
});

test('three clients are served round robin whatever their backlog', () => {
  const queue = createFairQueue<string>({ max: 100 });
  for (let i = 1; i <= 4; i++) queue.enqueue('A', `a${i}`);
  for (let i = 1; i <= 2; i++) queue.enqueue('B', `b${i}`);
  for (let i = 1; i <= 3; i++) queue.enqueue('C', `c${i}`);
  expect(drain(queue)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2', 'a3', 'c3', 'a4']);
});

test('work started without waiting counts towards its client: the other one goes first', () => {
  const queue = createFairQueue<string>({ max: 100 });
  queue.started('A');
  queue.started('A');
  queue.enqueue('A', 'a3');
  queue.enqueue('B', 'b1');
  expect(drain(queue)).toEqual(['b1', 'a3']);
});

test('fifo: arrival order, whoever asks', () => {
  const queue = createFairQueue<string>({ max: 100, fifo: true });
  for (let i = 1; i <= 3; i++) queue.enqueue('A', `a${i}`);
  queue.enqueue('B', 'b1');
  expect(drain(queue)).toEqual(['a1', 'a2', 'a3', 'b1']);
});

test('full: the flood\'s newcomer is refused, another client\'s pushes out the flood\'s newest', () => {
  const queue = createFairQueue<string>({ max: 3 });
  for (let i = 1; i <= 3; i++) expect(queue.enqueue('A', `a${i}`)).toEqual({ refused: false, evicted: null });
  expect(queue.enqueue('A', 'a4')).toEqual({ refused: true });
  expect(queue.enqueue('B', 'b1')).toEqual({ refused: false, evicted: 'a3' });
  expect(queue.size).toBe(3);
  // B now waits as much as it may (A 2, B 1 → B 2 would tie): B's next evicts again only while A waits more.
  expect(queue.enqueue('B', 'b2')).toEqual({ refused: false, evicted: 'a2' });
  expect(queue.enqueue('B', 'b3')).toEqual({ refused: true });
  expect(drain(queue)).toEqual(['a1', 'b1', 'b2']);
});

test('fifo and full: every newcomer is refused, as before fairness', () => {
  const queue = createFairQueue<string>({ max: 2, fifo: true });
  queue.enqueue('A', 'a1');
  queue.enqueue('A', 'a2');
  expect(queue.enqueue('B', 'b1')).toEqual({ refused: true });
});

test('a queue of 0 refuses every waiting task', () => {
  expect(createFairQueue<string>({ max: 0 }).enqueue('A', 'a1')).toEqual({ refused: true });
});

/** A task that runs until released, recording when it started. */
function gate(log: string[], name: string) {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { task: async () => (log.push(name), await opened), open };
}
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test('limiter: with A holding both slots and 20 more queued, B starts when the first slot frees', async () => {
  const limiter = createLimiter(2, 64);
  const log: string[] = [];
  const gates = Array.from({ length: 22 }, (_, i) => gate(log, `a${i + 1}`));
  const runs = gates.map((g) => limiter.run(g.task, 'A'));
  await tick();
  expect(log).toEqual(['a1', 'a2']);
  const b = gate(log, 'b1');
  runs.push(limiter.run(b.task, 'B'));
  gates[0]!.open();
  await tick();
  expect(log).toEqual(['a1', 'a2', 'b1']);
  b.open();
  for (const g of gates) g.open();
  await Promise.all(runs);
  expect(log.length).toBe(23);
  expect(limiter.active).toBe(0);
  expect(limiter.queued).toBe(0);
});

test('limiter, fifo: B waits behind the whole flood', async () => {
  const limiter = createLimiter(1, 64, { order: 'fifo' });
  const log: string[] = [];
  const gates = Array.from({ length: 4 }, (_, i) => gate(log, `a${i + 1}`));
  const runs = gates.map((g) => limiter.run(g.task, 'A'));
  const b = gate(log, 'b1');
  runs.push(limiter.run(b.task, 'B'));
  for (const g of [...gates, b]) {
    g.open();
    await tick();
  }
  await Promise.all(runs);
  expect(log).toEqual(['a1', 'a2', 'a3', 'a4', 'b1']);
});

test('limiter: a full queue refuses the flood with overloaded and makes room for another client', async () => {
  const limiter = createLimiter(1, 2);
  const log: string[] = [];
  const gates = Array.from({ length: 3 }, (_, i) => gate(log, `a${i + 1}`));
  const runs = gates.map((g) => limiter.run(g.task, 'A').then(() => 'done', (e) => e.code));
  await expect(limiter.run(gate(log, 'a4').task, 'A')).rejects.toMatchObject({ code: 'overloaded', status: 503 });
  const b = gate(log, 'b1');
  const bRun = limiter.run(b.task, 'B');
  // a3, the newest of the flood, made room for b1.
  expect(await runs[2]).toBe('overloaded');
  gates[0]!.open();
  await tick();
  expect(log).toEqual(['a1', 'b1']);
  b.open();
  gates[1]!.open();
  await bRun;
  expect(await Promise.all(runs.slice(0, 2))).toEqual(['done', 'done']);
  expect(limiter.active).toBe(0);
});

test('after a thousand clients came and went (and were forgotten), the next ones are still served in turn', () => {
  const queue = createFairQueue<string>({ max: 100 });
  for (let i = 0; i < 1000; i++) queue.started(`client-${i}`);
  queue.enqueue('A', 'a1');
  queue.enqueue('A', 'a2');
  queue.enqueue('B', 'b1');
  expect(drain(queue)).toEqual(['a1', 'b1', 'a2']);
});
