/**
 * Waiting work of several owners (clients), served fairly: start-time fair queueing with equal
 * weights. Every task gets a start tag, max(virtual time, its owner's previous finish tag), and
 * the waiting task with the smallest tag goes next (ties: the earlier one); the virtual time is
 * the tag of the last task started. An owner with a thousand tasks waiting holds tags far ahead,
 * so another owner's first task, tagged at the virtual time, goes next: it waits for one slot
 * to free, never for the flood.
 *
 * The queue is bounded: when full, a newcomer whose owner does not already wait the most pushes
 * out the newest task of the owner who does (longest queue drop), so one flooding client cannot
 * fill the queue and have everyone else refused; the flood's own newcomer is refused.
 *
 * `fifo` puts every task under one owner: plain arrival order (the behaviour before fairness).
 */
export interface FairQueue<T> {
  /** Queues `item`; `refused` when full and its owner waits the most, else the item pushed out to make room, if any. */
  enqueue(owner: string, item: T): { refused: true } | { refused: false; evicted: T | null };
  /** A task of `owner` that started at once, without waiting: tagged all the same, so it counts towards its owner's share. */
  started(owner: string): void;
  /** The next item to run, or undefined when none waits. */
  dequeue(): T | undefined;
  readonly size: number;
}

interface Waiting<T> {
  item: T;
  start: number;
  seq: number;
}

interface Owner<T> {
  waiting: Waiting<T>[];
  /** Finish tag of its latest task: where its next one starts, unless the virtual time is past it. */
  finish: number;
}

// Owners with nothing waiting whose finish tag the virtual time has passed are as good as new: forgotten.
const SWEEP_ABOVE = 256;

export function createFairQueue<T>(options: { max: number; fifo?: boolean }): FairQueue<T> {
  const owners = new Map<string, Owner<T>>();
  let virtualTime = 0;
  let seq = 0;
  let size = 0;
  const keyOf = (owner: string) => (options.fifo ? '' : owner);

  function ownerOf(key: string): Owner<T> {
    let owner = owners.get(key);
    if (!owner) owners.set(key, (owner = { waiting: [], finish: 0 }));
    return owner;
  }

  function tag(owner: Owner<T>): number {
    const start = Math.max(virtualTime, owner.finish);
    owner.finish = start + 1;
    return start;
  }

  function longest(): [string, Owner<T>] | null {
    let best: [string, Owner<T>] | null = null;
    for (const entry of owners) if (entry[1].waiting.length > (best?.[1].waiting.length ?? 0)) best = entry;
    return best;
  }

  function sweep(): void {
    if (owners.size <= SWEEP_ABOVE) return;
    for (const [key, owner] of owners) if (owner.waiting.length === 0 && owner.finish <= virtualTime) owners.delete(key);
  }

  return {
    enqueue(name, item) {
      const key = keyOf(name);
      const owner = ownerOf(key);
      let evicted: T | null = null;
      if (size >= options.max) {
        const top = longest();
        if (!top || top[0] === key || owner.waiting.length + 1 > top[1].waiting.length) return { refused: true };
        // The pushed-out task gives back its tag: it was its owner's latest.
        const dropped = top[1].waiting.pop()!;
        top[1].finish = dropped.start;
        size--;
        evicted = dropped.item;
      }
      owner.waiting.push({ item, start: tag(owner), seq: seq++ });
      size++;
      return { refused: false, evicted };
    },
    started(name) {
      virtualTime = tag(ownerOf(keyOf(name)));
      sweep();
    },
    dequeue() {
      let next: Owner<T> | null = null;
      for (const owner of owners.values()) {
        const head = owner.waiting[0];
        if (!head) continue;
        const best = next?.waiting[0];
        if (!best || head.start < best.start || (head.start === best.start && head.seq < best.seq)) next = owner;
      }
      if (!next) return undefined;
      const head = next.waiting.shift()!;
      size--;
      virtualTime = head.start;
      sweep();
      return head.item;
    },
    get size() {
      return size;
    },
  };
}
