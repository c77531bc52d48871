import type { IDataSource } from './data-source.entity.ts';
import type { SourceView } from './source.types.ts';

/** The host (and port) of a GitLab URL, for messages and logs: never its path or query. */
export function hostOf(baseUrl: string): string {
  return URL.parse(baseUrl)?.host ?? 'unknown';
}

/** A source as the rest of the app sees it: never its token. */
export function toView(source: IDataSource): SourceView {
  return {
    id: source.id,
    name: source.name,
    type: source.type,
    baseUrl: source.baseUrl,
    host: hostOf(source.baseUrl),
    jiraUrl: source.jiraUrl ?? null,
    status: source.status,
    lastErrorCode: source.lastErrorCode ?? null,
    lastError: source.lastError ?? null,
    lastTestedAt: source.lastTestedAt ?? null,
    lastSyncAt: source.lastSyncAt ?? null,
    failureCount: source.failureCount ?? 0,
    nextSyncAfter: source.nextSyncAfter ?? null,
    tokenScopes: [...(source.tokenScopes ?? [])],
    tokenExpiresAt: source.tokenExpiresAt ?? null,
    tokenUsername: source.tokenUsername ?? null,
    createdBy: source.createdBy,
  };
}
