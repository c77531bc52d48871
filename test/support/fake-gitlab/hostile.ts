import type { ServerResponse } from 'node:http';

/**
 * Hostile answers a real GitLab (or a broken proxy in front of it) can give: a body sent a byte
 * at a time, and a body far larger than any page. Both stream, so the fake itself never holds the
 * large body in memory and the test measures only what the client keeps.
 */

/** Sends `text` one byte every `intervalMs` after the headers; stops when the client goes away. */
export async function dripBody(
  res: ServerResponse,
  text: string,
  intervalMs: number,
  wait: (ms: number) => Promise<void>,
): Promise<void> {
  const bytes = Buffer.from(text);
  for (let index = 0; index < bytes.length; index += 1) {
    if (res.destroyed) return;
    res.write(bytes.subarray(index, index + 1));
    await wait(intervalMs);
  }
  if (!res.destroyed) res.end();
}

/** One event-like object padded to about 1 KB, with the comma that separates it from the next. */
const ITEM = `${JSON.stringify({ id: 1, action_name: 'pushed to', padding: 'a'.repeat(960) })},`;
const ITEMS_PER_CHUNK = 64;

/** The exact length of the JSON array `hugeJson` sends for `bytes`. */
export function hugeJsonLength(bytes: number): number {
  const items = Math.max(1, Math.floor((bytes - 2) / ITEM.length));
  return 2 + items * ITEM.length - 1;
}

/**
 * Streams a valid JSON array of about `bytes` bytes, in 64 KB writes that wait for the socket to
 * drain (as a server would); with `contentLength`, announces its size up front.
 */
export async function streamHugeJson(
  res: ServerResponse,
  bytes: number,
  contentLength: boolean,
): Promise<void> {
  const items = Math.max(1, Math.floor((bytes - 2) / ITEM.length));
  res.writeHead(200, {
    'Content-Type': 'application/json',
    ...(contentLength ? { 'Content-Length': String(hugeJsonLength(bytes)) } : {}),
  });
  const chunk = ITEM.repeat(ITEMS_PER_CHUNK);
  let left = items;
  res.write('[');
  while (left > 1 && !res.destroyed) {
    const count = Math.min(ITEMS_PER_CHUNK, left - 1);
    const ok = res.write(count === ITEMS_PER_CHUNK ? chunk : ITEM.repeat(count));
    left -= count;
    if (!ok) await drainedOrClosed(res);
  }
  if (!res.destroyed) res.end(`${ITEM.slice(0, -1)}]`);
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
