/**
 * Slack waits 3 s for a view submission's answer. Work that may take longer races a budget: the
 * caller answers with the result when it is in time, or with a "working on it" view otherwise and
 * finishes later (the promise keeps running).
 */
export const DEFAULT_ACK_BUDGET_MS = 2_200;

export type Raced<T> = { done: true; value: T } | { done: false; pending: Promise<T> };

export async function withinBudget<T>(work: Promise<T>, budgetMs: number): Promise<Raced<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), budgetMs);
  });
  try {
    const first = await Promise.race([work.then((value) => ({ value })), late]);
    return first === 'late' ? { done: false, pending: work } : { done: true, value: first.value };
  } finally {
    clearTimeout(timer);
  }
}
