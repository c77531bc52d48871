/** Arguments graphql-js hands a resolver. */
export type Args = Record<string, unknown>;

const MAX_PAGE = 100;

/** GitLab's cursor pagination: `first` (at most 100) items after `after`, with pageInfo. */
export function cursorPage<T>(items: T[], args: Args) {
  const first = Math.min(MAX_PAGE, typeof args['first'] === 'number' ? args['first'] : MAX_PAGE);
  const after = stringArg(args, 'after');
  const offset = after ? decodeCursor(after) : 0;
  const slice = items.slice(offset, offset + first);
  const end = offset + slice.length;
  return {
    items: slice,
    pageInfo: { hasNextPage: end < items.length, endCursor: slice.length > 0 ? encodeCursor(end) : null },
  };
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { offset?: unknown };
    return typeof parsed.offset === 'number' ? parsed.offset : 0;
  } catch {
    return 0;
  }
}

export function stringArg(args: Args, name: string): string | undefined {
  const value = args[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
