import { defaultProjections } from '@heard/projections';
import { rebuildGroups } from './parallel-rebuild';

const all = defaultProjections().map((p) => p.name);

describe('rebuildGroups', () => {
  it('gives every projection to exactly one thread', () => {
    for (const threads of [1, 2, 3, 7, 16]) {
      const groups = rebuildGroups(all, threads);
      expect(groups.length).toBe(Math.min(threads, all.length));
      expect(groups.flat().sort()).toEqual([...all].sort());
    }
  });

  it('keeps the two costliest projections apart on two threads, and the groups near even', () => {
    const [a, b] = rebuildGroups(all, 2);
    expect(a).toContain('customer_timeline');
    expect(b).toContain('case_view');
    // Four against four: the groups weigh within a lighter projection of each other.
    expect([a!.length, b!.length].sort()).toEqual([4, 4]);
  });

  it('gives a projection it has no figure for an average weight', () => {
    expect(rebuildGroups(['customer_timeline', 'new_one', 'case_view'], 2)).toEqual([
      ['customer_timeline'],
      ['case_view', 'new_one'],
    ]);
  });
});
