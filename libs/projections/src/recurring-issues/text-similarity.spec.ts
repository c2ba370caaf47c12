import { dot, surfaceForms, terms, tfIdfVectors } from './text-similarity';

describe('text similarity', () => {
  it('meets word forms and drops the words every complaint has', () => {
    expect(terms('The lid is leaking; lids leak in my bag')).toEqual([
      'lid',
      'leak',
      'lid',
      'leak',
      'bag',
    ]);
  });

  it('shows each term as people wrote it most often', () => {
    const forms = surfaceForms(['Charged twice', 'charged again', 'it charges']);
    expect(forms.get('charg')).toBe('charged');
  });

  it('finds two wordings of one problem closer than two different problems', () => {
    const [a, b, c] = tfIdfVectors(
      [
        'Bottle lid leaks in my bag after three weeks',
        'My bottle leaks, the lid seal is deformed',
        'Charged twice for my monthly invoice',
      ].map(terms),
    );
    expect(dot(a!, b!)).toBeGreaterThan(0.2);
    expect(dot(a!, c!)).toBe(0);
  });
});
