/**
 * `source`'s items, asking for the next one as soon as the current one is handed out: while the
 * caller works on a page (maps, stores it), the next page is already on its way. At most one item
 * is held ahead. When the caller stops early, the item on its way is let finish (its error, if
 * any, dropped: nobody wants it) and the source is closed.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  let done = false;
  try {
    while (true) {
      const result = await next;
      if (result.done) {
        done = true;
        return;
      }
      next = iterator.next();
      // Observed by the next turn of the loop, or dropped by `finally` when the caller stops.
      next.catch(() => undefined);
      yield result.value;
    }
  } finally {
    if (!done) {
      await next.catch(() => undefined);
      await iterator.return?.();
    }
  }
}
