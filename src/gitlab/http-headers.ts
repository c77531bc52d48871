/** Response headers as undici delivers them: lower-case names, repeated headers as arrays. */
export type HttpHeaders = Record<string, string | string[] | undefined>;

export function headerValue(headers: HttpHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A header holding a whole number, or undefined when absent or malformed. */
export function headerInteger(headers: HttpHeaders | undefined, name: string): number | undefined {
  const value = headerValue(headers, name)?.trim();
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}
