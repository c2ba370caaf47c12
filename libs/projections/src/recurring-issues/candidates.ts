import { createHash } from 'node:crypto';
import type { ReadStore } from '@heard/read-store';
import { addDays, dayOf } from '../shared/time';
import { accountWeigher, readWatermark, type RevenueAtStake } from './recurring-issues.queries';
import { dot, surfaceForms, terms, tfIdfVectors, type Vector } from './text-similarity';

export interface CandidateOptions {
  product?: string;
  /** Cases opened in the last `days` days (to the newest business time seen). */
  days: number;
  /** A candidate needs at least this many cases. */
  minCases: number;
  /** Cosine similarity a case needs to a group's centroid to join it. */
  similarity: number;
}

export const DEFAULT_CANDIDATE_OPTIONS: CandidateOptions = {
  days: 90,
  minCases: 5,
  similarity: 0.5,
};

export interface CandidateIssue {
  /** Stable while its first case stays in it: derived from the product and that case. */
  candidateId: string;
  product: string | null;
  /** The summary most cases share. */
  title: string;
  /** The words that weigh most in the group. */
  keywords: string[];
  /** The category most of its cases have, and how many have each. */
  category: string;
  categories: Record<string, number>;
  cases: number;
  customers: number;
  /** Its cases' accounts, their tiers now, and their annual revenue per currency. */
  accounts: string[];
  tiers: string[];
  revenueAtStake: RevenueAtStake;
  firstOpenedAt: string;
  lastOpenedAt: string;
  caseIds: string[];
}

interface CaseText {
  case_id: string;
  customer_id: string;
  account_id: string | null;
  product: string | null;
  category: string;
  opened_at: string;
  summary: string;
  text: string;
}

/** A group's members and the sum of their vectors (its centroid, unnormalized). */
interface Cluster {
  sum: Vector;
  squaredNorm: number;
  members: CaseText[];
}

const join = (cluster: Cluster, row: CaseText, vector: Vector) => {
  cluster.members.push(row);
  for (const [t, w] of vector) {
    const before = cluster.sum.get(t) ?? 0;
    cluster.sum.set(t, before + w);
    cluster.squaredNorm += (before + w) ** 2 - before ** 2;
  }
};

/**
 * Cases nobody linked to an issue yet that tell the same story, grouped per product: each
 * case, oldest first, joins the group whose centroid it is most similar to (at least
 * `similarity`), or starts a group. Groups with at least `minCases` are candidates. Word
 * weights (IDF) are the product's own: how rare a word is among that product's cases.
 */
/** Candidates among the cases opened from `from` to `to` (days). */
export interface CandidateIssuesReport {
  from: string;
  to: string;
  candidates: CandidateIssue[];
}

export const findCandidateIssues = async (
  store: ReadStore,
  options: CandidateOptions,
): Promise<CandidateIssuesReport> => {
  const to = dayOf((await readWatermark(store)) ?? Date.now());
  const from = addDays(to, -(options.days - 1));
  const rows = await store.query<CaseText>(
    `SELECT case_id, customer_id, account_id, product, category, opened_at, summary, text FROM ri_cases
     WHERE issue_id IS NULL AND opened_day >= ? AND opened_day <= ? ${options.product ? 'AND product = ?' : ''}
     ORDER BY opened_ms, case_id`,
    options.product ? [from, to, options.product] : [from, to],
  );
  // Each product on its own, word weights included: listing one product or all of them
  // finds the same candidates, with the same ids.
  const rowsByProduct = new Map<string, CaseText[]>();
  for (const row of rows) {
    const list = rowsByProduct.get(row.product ?? '');
    if (list) list.push(row);
    else rowsByProduct.set(row.product ?? '', [row]);
  }
  const clustersByProduct = new Map<string, Cluster[]>();
  for (const [product, productRows] of rowsByProduct) {
    const vectors = tfIdfVectors(productRows.map((r) => terms(r.text)));
    const clusters: Cluster[] = [];
    clustersByProduct.set(product, clusters);
    productRows.forEach((row, i) => {
      const vector = vectors[i]!;
      let best: Cluster | undefined;
      let bestScore = options.similarity;
      for (const cluster of clusters) {
        const score = dot(vector, cluster.sum) / Math.sqrt(cluster.squaredNorm);
        if (score >= bestScore) [best, bestScore] = [cluster, score];
      }
      if (!best) clusters.push((best = { sum: new Map(), squaredNorm: 0, members: [] }));
      join(best, row, vector);
    });
  }

  const weigh = await accountWeigher(store);
  const candidates: CandidateIssue[] = [];
  for (const clusters of clustersByProduct.values())
    for (const cluster of clusters) {
      if (cluster.members.length < options.minCases) continue;
      const members = cluster.members;
      const first = members[0]!;
      candidates.push({
        candidateId: candidateIdOf(first.product, first.case_id),
        product: first.product,
        title: mostCommon(countBy(members.map((m) => m.summary))),
        keywords: keywordsOf(cluster),
        category: mostCommon(countBy(members.map((m) => m.category))),
        categories: countBy(members.map((m) => m.category)),
        cases: members.length,
        customers: new Set(members.map((m) => m.customer_id)).size,
        ...weigh(members.flatMap((m) => (m.account_id ? [m.account_id] : []))),
        firstOpenedAt: first.opened_at,
        lastOpenedAt: members[members.length - 1]!.opened_at,
        caseIds: members.map((m) => m.case_id),
      });
    }
  candidates.sort((a, b) => b.cases - a.cases || a.candidateId.localeCompare(b.candidateId));
  return { from, to, candidates };
};

const candidateIdOf = (product: string | null, firstCaseId: string) =>
  `cand-${createHash('sha256')
    .update(`${product ?? ''}|${firstCaseId}`)
    .digest('hex')
    .slice(0, 12)}`;

const keywordsOf = (cluster: Cluster): string[] => {
  const forms = surfaceForms(cluster.members.slice(0, 200).map((m) => m.text));
  return [...cluster.sum.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 6)
    .map(([term]) => forms.get(term) ?? term);
};

const countBy = (values: string[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
};

const mostCommon = (counts: Record<string, number>): string =>
  Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
