import type { EntityManager } from '@mikro-orm/postgresql';
import type { Dispatcher } from 'undici';
import { GitLabClient } from '../../gitlab/index.ts';
import type { Logger } from '../../lib/logger.ts';
import type { IDataSource } from './data-source.entity.ts';
import type { DataSourceRepository } from './data-source.repository.ts';

/**
 * Builds GitLab clients for interactive work (Test Connection, username checks). Someone is waiting
 * in Slack, so retries are few and short: a slow or failing GitLab is reported, not waited out.
 */
export class SourceClients {
  readonly #dispatcher: Dispatcher;
  readonly #repository: DataSourceRepository;
  readonly #logger: Logger;

  constructor(options: { dispatcher: Dispatcher; repository: DataSourceRepository; logger: Logger }) {
    this.#dispatcher = options.dispatcher;
    this.#repository = options.repository;
    this.#logger = options.logger;
  }

  forCredentials(baseUrl: string, token: string): GitLabClient {
    return new GitLabClient({
      baseUrl,
      token,
      dispatcher: this.#dispatcher,
      logger: this.#logger,
      retry: { maxAttempts: 2, maxTotalWaitMs: 3_000, baseDelayMs: 500, maxDelayMs: 2_000 },
      timeouts: { headersMs: 20_000, bodyMs: 20_000 },
    });
  }

  async forSource(em: EntityManager, source: IDataSource): Promise<GitLabClient> {
    return this.forCredentials(source.baseUrl, await this.#repository.openToken(em, source));
  }
}
