/**
 * Bag-of-words similarity with TF-IDF weights and cosine: no model to download, and good
 * enough to tell "lid leaks in my bag" cases from "charged twice" ones. Words are
 * lower-cased, stop words dropped, and plural/verb endings trimmed so that "leaks",
 * "leaking" and "leak" meet.
 */
const STOP_WORDS = new Set(
  (
    'a about after again all also am an and any are as at be been before being but by can could ' +
    'did do does doing for from had has have having he her here him his how i if in into is it its ' +
    'just me more my no not now of on once only or other our out over same she should so some ' +
    'still such than that the their them then there these they this those through to too under ' +
    'until up very was we were what when where which while who why will with would you your ' +
    'customer customers says said asked wants want please thanks thank'
  ).split(' '),
);

const stem = (word: string): string => {
  for (const suffix of ['ingly', 'ing', 'edly', 'ed', 'es', 's'])
    if (word.length - suffix.length >= 3 && word.endsWith(suffix))
      return word.slice(0, -suffix.length);
  return word;
};

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !STOP_WORDS.has(w) && !/^\d+$/.test(w));

export const terms = (text: string): string[] => words(text).map(stem);

/** The word people wrote most often for each term ("charg" reads as "charged"). */
export const surfaceForms = (texts: string[]): Map<string, string> => {
  const counts = new Map<string, Map<string, number>>();
  for (const text of texts)
    for (const word of words(text)) {
      const forms = counts.get(stem(word)) ?? new Map<string, number>();
      forms.set(word, (forms.get(word) ?? 0) + 1);
      counts.set(stem(word), forms);
    }
  const chosen = new Map<string, string>();
  for (const [term, forms] of counts)
    chosen.set(
      term,
      [...forms.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0],
    );
  return chosen;
};

export type Vector = Map<string, number>;

/** Weights each document's terms by how rare they are across the documents, unit length. */
export const tfIdfVectors = (documents: string[][]): Vector[] => {
  const df = new Map<string, number>();
  for (const doc of documents) for (const t of new Set(doc)) df.set(t, (df.get(t) ?? 0) + 1);
  const n = documents.length;
  return documents.map((doc) => {
    const tf = new Map<string, number>();
    for (const t of doc) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v: Vector = new Map();
    for (const [t, count] of tf) v.set(t, (1 + Math.log(count)) * Math.log(1 + n / df.get(t)!));
    return normalize(v);
  });
};

const normalize = (v: Vector): Vector => {
  let norm = 0;
  for (const w of v.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm === 0) return v;
  const out: Vector = new Map();
  for (const [t, w] of v) out.set(t, w / norm);
  return out;
};

/** Dot product: the cosine when both are unit vectors. */
export const dot = (a: Vector, b: Vector): number => {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) dot += w * (large.get(t) ?? 0);
  return dot;
};
