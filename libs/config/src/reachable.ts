import { StoreUnreachable } from './config';
import { StartRefused } from './start-refused';

/** `work`, or an error once `ms` have passed without an answer. */
export const answersWithin = async <T>(work: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * A store on a server, checked before it is used: one that does not answer (within seconds,
 * not at the driver's own deadline) is closed and stops the start with the setting's name; one
 * that answers with a refusal (a schema newer than this heard) passes that refusal on.
 */
export const checkedStore = async <S extends { close(): Promise<void> }>(
  store: S,
  probe: (store: S) => Promise<unknown>,
  setting: string,
  url: string,
  timeoutMs = 10_000,
): Promise<S> => {
  try {
    await answersWithin(probe(store), timeoutMs);
    return store;
  } catch (error) {
    await store.close().catch(() => undefined);
    if (error instanceof StartRefused) throw error;
    throw new StoreUnreachable(setting, url, error);
  }
};
