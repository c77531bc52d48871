/**
 * Text from GitLab is stored in PostgreSQL, which refuses two things JavaScript strings can hold: the
 * NUL character (not allowed in `text`, nor as `\u0000` in `jsonb`) and a UTF-16 surrogate without
 * its pair (not a Unicode character; `jsonb` rejects its escape). One such character in one MR title
 * would otherwise fail the whole batch on every run, so they are removed before storage.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point of this pattern.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function cleanText(text: string): string {
  // The fast path: almost every string is already storable.
  return text.isWellFormed() && !text.includes('\u0000') ? text : text.replace(UNSTORABLE, '');
}

/** `value` with every string in it, object keys included, passed through cleanText. */
export function cleanDeep<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => cleanDeep(item)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [cleanText(key), cleanDeep(item)]),
    ) as T;
  }
  return value;
}

/**
 * JSON.stringify escapes NUL as `\u0000` and a lone surrogate as `\udXXX`, so JSON text without
 * such an escape holds no unstorable character: `value` is then sent as it is, with no copy of it
 * made. A match (even a false one, a literal backslash before "u0000") takes the cleaning copy.
 */
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f])/i;

/** `value` as JSON that PostgreSQL stores: cleanDeep's result, built only when there is something to clean. */
export function storableJson(value: unknown): string {
  const json = JSON.stringify(value);
  return UNSTORABLE_ESCAPE.test(json) ? JSON.stringify(cleanDeep(value)) : json;
}
