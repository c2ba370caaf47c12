import { PositionTally } from './position-tally';

const at = (n: number) => `${String(n).padStart(20, '0')}:${String(n).padStart(20, '0')}`;

describe('PositionTally', () => {
  it('counts the positions after a checkpoint it reaches back to, and nothing before it began', () => {
    const tally = new PositionTally(at(100));
    for (const n of [110, 120, 130, 140]) tally.add(at(n));
    expect(tally.countAfter(at(100))).toBe(4);
    expect(tally.countAfter(at(120))).toBe(2);
    expect(tally.countAfter(at(125))).toBe(2);
    expect(tally.countAfter(at(140))).toBe(0);
    // Before it began: it cannot say, and says so.
    expect(tally.countAfter(at(99))).toBeUndefined();
  });

  it('counts a position delivered twice (a reconnect) once', () => {
    const tally = new PositionTally(at(0));
    for (const n of [10, 20, 20, 10, 30]) tally.add(at(n));
    expect(tally.countAfter(at(0))).toBe(3);
    expect(tally.newest).toBe(at(30));
  });

  it('keeps at most its bound, and no longer answers for what it let go', () => {
    const tally = new PositionTally(at(0), 10);
    for (let n = 1; n <= 11; n++) tally.add(at(n));
    // The oldest six went: it answers from the sixth on.
    expect(tally.countAfter(at(5))).toBeUndefined();
    expect(tally.countAfter(at(6))).toBe(5);
    expect(tally.countAfter(at(11))).toBe(0);
  });
});
