import type { EntityManager } from '@mikro-orm/postgresql';
import { type GitLabClient, getVersion } from '../../gitlab/index.ts';
import { isCodedError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { DataSource, type IDataSource } from '../sources/data-source.entity.ts';

/**
 * The source's GitLab version now (`GET /api/v4/version`, one request a run), stored on the source
 * when it changed; the stored one when GitLab does not say. The sync's GraphQL queries are built
 * from it, so an upgrade (or a restore to an older release) is noticed at the next sync.
 */
export async function refreshSourceVersion(
  em: EntityManager,
  source: IDataSource,
  client: GitLabClient,
  options: { now: Date; logger: Logger; stopping: ReadonlySet<string> },
): Promise<string | null> {
  try {
    // https://docs.gitlab.com/api/version/
    const { version } = await getVersion(client);
    if (version !== source.gitlabVersion) {
      await em.nativeUpdate(
        DataSource,
        { id: source.id },
        { gitlabVersion: version.slice(0, 255), gitlabVersionCheckedAt: options.now },
      );
    }
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
