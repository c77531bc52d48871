import type { EntityManager } from '@mikro-orm/postgresql';
import type { Dispatcher } from 'undici';
import { GitLabClient } from '../../gitlab/index.ts';
import type { Logger } from '../../lib/logger.ts';
import type { IDataSource } from './data-source.entity.ts';
import type { DataSourceRepository } from './data-source.repository.ts';

/** The GITLAB_* limit settings that apply to interactive requests too (RELIABILITY.md). */
export interface ClientLimits {
  requestTimeoutMs?: number;
  maxResponseBytes?: number;
  maxPages?: number;
}

/**
 * Builds GitLab clients for interactive work (Test Connection, username checks). Someone is waiting
 * in Slack, so retries are few and short: a slow or failing GitLab is reported, not waited out.
 */
export class SourceClients {
  readonly #dispatcher: Dispatcher;
  readonly #repository: DataSourceRepository;
  readonly #logger: Logger;
  readonly #limits: ClientLimits;

  constructor(options: {
    dispatcher: Dispatcher;
    repository: DataSourceRepository;
    logger: Logger;
    limits?: ClientLimits;
  }) {
    this.#dispatcher = options.dispatcher;
    this.#repository = options.repository;
    this.#logger = options.logger;
    this.#limits = options.limits ?? {};
  }

  forCredentials(baseUrl: string, token: string): GitLabClient {
    return new GitLabClient({
      baseUrl,
      token,
      dispatcher: this.#dispatcher,
      logger: this.#logger,
      retry: { maxAttempts: 2, maxTotalWaitMs: 3_000, baseDelayMs: 500, maxDelayMs: 2_000 },
      timeouts: { headersMs: 20_000, bodyMs: 20_000 },
      // Someone waits in Slack: never longer than 20 s a request, whatever the sync may take.
      limits: {
        totalMs: Math.min(20_000, this.#limits.requestTimeoutMs ?? 20_000),
        ...(this.#limits.maxResponseBytes ? { maxResponseBytes: this.#limits.maxResponseBytes } : {}),
        ...(this.#limits.maxPages ? { maxPages: this.#limits.maxPages } : {}),
      },
    });
  }

  async forSource(em: EntityManager, source: IDataSource): Promise<GitLabClient> {
    return this.forCredentials(source.baseUrl, await this.#repository.openToken(em, source));
  }
}
