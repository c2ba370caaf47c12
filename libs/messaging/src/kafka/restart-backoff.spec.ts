import { RestartBackoff } from './restart-backoff';

describe('RestartBackoff', () => {
  it('doubles from 1 s to at most 30 s while attempts keep failing', () => {
    const backoff = new RestartBackoff();
    expect(Array.from({ length: 7 }, () => backoff.next())).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('starts from 1 s again once a consumer has worked, however long the outage before', () => {
    const backoff = new RestartBackoff();
    for (let i = 0; i < 10; i++) backoff.next();
    backoff.reset();
    expect([backoff.next(), backoff.next()]).toEqual([1000, 2000]);
  });
});
