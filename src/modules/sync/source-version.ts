import type { EntityManager } from '@mikro-orm/postgresql';
import { type GitLabClient, getVersion } from '../../gitlab/index.ts';
import { isCodedError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { DataSource, type IDataSource } from '../sources/data-source.entity.ts';

/**
 * How long a source's GitLab version is trusted before a sync asks again. An upgrade only adds
 * fields we could use (found within a day); a downgrade that removes one makes GitLab refuse the
 * query, and `forgetSourceVersion` then has the next run ask at once.
 */
export const VERSION_RECHECK_MS = 24 * 3_600_000;

/**
 * The source's GitLab version: the stored one while it is recent (Test Connection or an earlier
 * run asked), otherwise `GET /api/v4/version` (stored with when it was asked); the stored one when
 * GitLab does not say. The sync's GraphQL queries are built from it.
 */
export async function refreshSourceVersion(
  em: EntityManager,
  source: IDataSource,
  client: GitLabClient,
  options: { now: Date; logger: Logger; stopping: ReadonlySet<string> },
): Promise<string | null> {
  const checkedAt = source.gitlabVersionCheckedAt?.getTime();
  if (
    source.gitlabVersion &&
    checkedAt !== undefined &&
    options.now.getTime() - checkedAt < VERSION_RECHECK_MS &&
    checkedAt <= options.now.getTime()
  ) {
    return source.gitlabVersion;
  }
  try {
    // https://docs.gitlab.com/api/version/
    const { version } = await getVersion(client);
    await em.nativeUpdate(
      DataSource,
      { id: source.id },
      { gitlabVersion: version.slice(0, 255), gitlabVersionCheckedAt: options.now },
    );
    return version;
  } catch (error) {
    // A refused token stops the source as any other request would.
    if (isCodedError(error) && options.stopping.has(error.code)) throw error;
    options.logger.info(
      { err: error, dataSourceId: source.id },
      'GitLab version unknown; using the stored one',
    );
    return source.gitlabVersion ?? null;
  }
}

/** GitLab refused a field its version should have: ask for the version again at the next run. */
export async function forgetSourceVersion(em: EntityManager, sourceId: string): Promise<void> {
  await em.nativeUpdate(DataSource, { id: sourceId }, { gitlabVersionCheckedAt: null });
}
