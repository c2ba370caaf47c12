import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fullCollection, IdleCollector, startIdleCollection } from './idle-collector';

const MB = 1 << 20;

describe('IdleCollector', () => {
  const setUp = () => {
    const world = { heap: 100 * MB, now: 0, lastActivityAt: 0, collections: 0 };
    const collector = new IdleCollector({
      heapTotal: () => world.heap,
      lastActivityAt: () => world.lastActivityAt,
      now: () => world.now,
      collect: () => {
        world.collections += 1;
        world.heap = 110 * MB;
      },
      quietMs: 5_000,
      growthBytes: 32 * MB,
    });
    return { world, collector };
  };

  it('collects once when the heap grew and heard has been quiet', () => {
    const { world, collector } = setUp();
    world.heap = 300 * MB;
    world.now = 10_000;
    expect(collector.sample()).toBe(true);
    expect(collector.sample()).toBe(false);
    expect(world.collections).toBe(1);
  });

  it('waits while requests still come', () => {
    const { world, collector } = setUp();
    world.heap = 300 * MB;
    world.now = 10_000;
    world.lastActivityAt = 9_000;
    expect(collector.sample()).toBe(false);
    world.now = 14_000;
    expect(collector.sample()).toBe(true);
  });

  it('leaves a heap alone that has not grown by more than the threshold', () => {
    const { world, collector } = setUp();
    world.heap = 130 * MB;
    world.now = 60_000;
    expect(collector.sample()).toBe(false);
    expect(world.collections).toBe(0);
  });

  it('measures growth from the last collection, or from where the heap shrank to by itself', () => {
    const { world, collector } = setUp();
    world.now = 60_000;
    world.heap = 80 * MB;
    expect(collector.sample()).toBe(false);
    world.heap = 120 * MB; // 40 MB above the 80 it shrank to
    expect(collector.sample()).toBe(true);
    world.heap = 140 * MB; // 30 MB above the 110 after the collection
    expect(collector.sample()).toBe(false);
  });
});

describe('fullCollection', () => {
  // What --expose-gc on the command line gives heard, given to this test's process.
  const exposed = () => {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  };
  beforeAll(() => Object.assign(globalThis, { gc: exposed() }));
  afterAll(() => Reflect.deleteProperty(globalThis, 'gc'));

  it('is nothing without --expose-gc: heard then collects only as V8 decides', () => {
    const gc = (globalThis as { gc?: unknown }).gc;
    Reflect.deleteProperty(globalThis, 'gc');
    try {
      expect(fullCollection()).toBeUndefined();
      expect(() => startIdleCollection(() => 0).stop()).not.toThrow();
    } finally {
      Object.assign(globalThis, { gc });
    }
  });

  it("is V8's own collection, with --expose-gc on the command line", () => {
    let garbage: Array<{ i: number }> | undefined = Array.from({ length: 200_000 }, (_, i) => ({
      i,
    }));
    const used = process.memoryUsage().heapUsed;
    expect(garbage).toHaveLength(200_000);
    garbage = undefined;
    fullCollection()!();
    expect(process.memoryUsage().heapUsed).toBeLessThan(used);
  });

  it('gives back the pages a load left mostly empty, not only the garbage', () => {
    const collect = fullCollection()!;
    collect();
    const before = process.memoryUsage().heapTotal;
    // A load's leftovers: one object in twenty survives, spread over every page.
    let load = Array.from({ length: 1_500_000 }, (_, i) => ({ i, text: `event ${i}` }));
    const grown = process.memoryUsage().heapTotal - before;
    load = load.filter((_, i) => i % 20 === 0);
    collect();
    expect(load).toHaveLength(75_000);
    // A plain full collection kept about 85% of such growth committed.
    expect(process.memoryUsage().heapTotal - before).toBeLessThan(grown / 2);
  });
});
