import { TurnBudget } from './turn-budget';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('TurnBudget', () => {
  it('starts jobs at once while the turn has budget', () => {
    const budget = new TurnBudget(3);
    const started: number[] = [];
    for (const n of [1, 2, 3]) budget.run(() => started.push(n));
    expect(started).toEqual([1, 2, 3]);
    expect(budget.backlog).toBe(0);
  });

  it('starts the rest a budget per turn, in order', async () => {
    const budget = new TurnBudget(3);
    const started: number[] = [];
    for (let n = 1; n <= 8; n++) budget.run(() => started.push(n));
    expect(started).toEqual([1, 2, 3]);
    await nextTurn();
    expect(started).toEqual([1, 2, 3, 4, 5, 6]);
    await nextTurn();
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(budget.backlog).toBe(0);
  });

  it('never lets a new job overtake one that waits', async () => {
    const budget = new TurnBudget(2);
    const started: string[] = [];
    for (const n of ['a', 'b', 'c']) budget.run(() => started.push(n));
    await nextTurn(); // c starts; one unit of this turn's budget is left
    budget.run(() => started.push('d'));
    budget.run(() => started.push('e'));
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    await nextTurn();
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('gives a quiet turn its full budget again', async () => {
    const budget = new TurnBudget(2);
    const started: number[] = [];
    budget.run(() => started.push(1));
    budget.run(() => started.push(2));
    await nextTurn();
    await nextTurn();
    budget.run(() => started.push(3));
    budget.run(() => started.push(4));
    expect(started).toEqual([1, 2, 3, 4]);
  });

  it('counts what each job costs, and runs a job costlier than a turn alone in one', async () => {
    const budget = new TurnBudget(4);
    const started: string[] = [];
    budget.run(() => started.push('small'), 1);
    budget.run(() => started.push('big'), 10); // more than is left of this turn
    budget.run(() => started.push('after'), 1);
    expect(started).toEqual(['small']);
    await nextTurn();
    expect(started).toEqual(['small', 'big']); // alone: nothing else fits beside it
    await nextTurn();
    expect(started).toEqual(['small', 'big', 'after']);
  });

  it('take() resolves when the work may start', async () => {
    const budget = new TurnBudget(1);
    const started: number[] = [];
    const first = budget.take().then(() => started.push(1));
    const second = budget.take().then(() => started.push(2));
    await first;
    expect(started).toEqual([1]);
    await second;
    expect(started).toEqual([1, 2]);
  });
});
