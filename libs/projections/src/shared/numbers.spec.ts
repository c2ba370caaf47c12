import { median, round } from './numbers';

describe('number helpers', () => {
  it('takes the middle of an odd list and the mean of the middle two of an even one', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('rounds to the digits asked', () => {
    expect(round(2.345678)).toBe(2.35);
    expect(round(2.345678, 1)).toBe(2.3);
  });
});
