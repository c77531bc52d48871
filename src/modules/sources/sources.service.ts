import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../db/orm.ts';
import { type ConnectionReport, testConnection } from '../../gitlab/index.ts';
import { isCodedError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { ensureWorkspace } from '../workspaces/workspace.repository.ts';
import { DataSource, type IDataSource } from './data-source.entity.ts';
import { type DataSourceRepository, sourceNameKey } from './data-source.repository.ts';
import type { SaveOutcome, SourceInput, SourceView, TestOutcome } from './source.types.ts';
import {
  duplicateName,
  recordSuccess,
  sameInstance,
  schemeNotes,
  sourceNotFound,
  summarize,
  testTypedConnection,
  UUID,
} from './source-checks.ts';
import type { SourceClients } from './source-clients.ts';
import { checkSourceInput } from './source-input.ts';
import { hostOf, toView } from './source-view.ts';

export { toView };

/**
 * Data sources: add and edit only after a successful Test Connection (nothing half-saved), test,
 * remove, list. The token goes in, sealed, and never comes back out of this service.
 */
export class SourcesService {
  readonly #orm: Orm;
  readonly #repository: DataSourceRepository;
  readonly #clients: SourceClients;
  readonly #logger: Logger;
  readonly #now: () => Date;
  /** What Test Connection on typed input needs (source-checks.ts). */
  readonly #testDeps: Parameters<typeof testTypedConnection>[0];

  constructor(options: {
    orm: Orm;
    repository: DataSourceRepository;
    clients: SourceClients;
    logger: Logger;
    now: () => Date;
  }) {
    this.#orm = options.orm;
    this.#repository = options.repository;
    this.#clients = options.clients;
    this.#logger = options.logger;
    this.#now = options.now;
    this.#testDeps = { clients: options.clients, logger: options.logger, now: options.now };
  }

  async list(teamId: string): Promise<SourceView[]> {
    const em = this.#orm.em.fork();
    return (await this.#repository.list(em, teamId)).map(toView);
  }

  /** By id (buttons) or by name (commands); a clear error naming the sources there are otherwise. */
  async get(teamId: string, ref: { id: string } | { name: string }): Promise<SourceView> {
    return toView(await this.#load(this.#orm.em.fork(), teamId, ref));
  }

  async add(input: SourceInput & { teamId: string; userId: string }): Promise<SaveOutcome> {
    const checked = checkSourceInput(input, { tokenRequired: true });
    if (!checked.ok) return checked;
    const em = this.#orm.em.fork();
    await ensureWorkspace(em, input.teamId);
    // One read of the workspace's few sources answers both "same GitLab?" and "same name?".
    const existing = await this.#repository.list(em, input.teamId);
    const sameGitLab = existing.find((source) => sameInstance(source.baseUrl, checked.baseUrl));
    if (sameGitLab) {
      this.#logger.info({ teamId: input.teamId, host: hostOf(checked.baseUrl) }, 'source already added');
      return { ok: false, duplicateOf: toView(sameGitLab) };
    }
    if (existing.some((source) => source.nameKey === sourceNameKey(checked.name))) {
      return { ok: false, errors: { name: duplicateName(checked.name) } };
    }
    const tested = await testTypedConnection(
      this.#testDeps,
      checked.baseUrl,
      checked.token,
      checked.schemeAdded,
    );
    if (!tested.ok) return { ok: false, errors: tested.errors };
    try {
      // One flush is one transaction: the row is written complete, with its test results, or not at all.
      const source = this.#repository.create(em, {
        workspaceId: input.teamId,
        name: checked.name,
        baseUrl: checked.baseUrl,
        token: checked.token,
        jiraUrl: checked.jiraUrl,
        createdBy: input.userId,
      });
      recordSuccess(source, tested.report, this.#now());
      await em.flush();
      this.#logger.info(
        { teamId: input.teamId, sourceId: source.id, host: hostOf(source.baseUrl) },
        'source added',
      );
      return {
        ok: true,
        source: toView(source),
        connection: summarize(tested.report),
        created: true,
        notes: schemeNotes(checked),
      };
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        return { ok: false, errors: { name: duplicateName(checked.name) } };
      }
      throw error;
    }
  }

  /**
   * Saves changes after testing them. An empty token keeps the stored one, but only for the same
   * origin: the stored token is never sent to a server it was not saved for.
   */
  async edit(
    input: SourceInput & { teamId: string; userId: string; sourceId: string },
  ): Promise<SaveOutcome> {
    const checked = checkSourceInput(input, { tokenRequired: false });
    if (!checked.ok) return checked;
    const em = this.#orm.em.fork();
    const source = await this.#load(em, input.teamId, { id: input.sourceId });
    const others = (await this.#repository.list(em, input.teamId)).filter((other) => other.id !== source.id);
    if (others.some((other) => other.nameKey === sourceNameKey(checked.name))) {
      return { ok: false, errors: { name: duplicateName(checked.name) } };
    }
    const sameGitLab = others.find((other) => sameInstance(other.baseUrl, checked.baseUrl));
    if (sameGitLab) {
      return {
        ok: false,
        errors: {
          url: `This GitLab is already the source \`${sameGitLab.name}\`: one source per GitLab. Edit that one instead, or remove it first.`,
        },
      };
    }
    if (!checked.token && new URL(checked.baseUrl).origin !== new URL(source.baseUrl).origin) {
      return {
        ok: false,
        errors: {
          token:
            'The GitLab URL now points to another server: paste a token for it. The stored token is only ever sent to the server it was saved for.',
        },
      };
    }
    let token = checked.token;
    if (!token) {
      try {
        token = await this.#repository.openToken(em, source);
      } catch (error) {
        if (isCodedError(error)) return { ok: false, errors: { token: error.userMessage } };
        throw error;
      }
    }
    const tested = await testTypedConnection(this.#testDeps, checked.baseUrl, token, checked.schemeAdded);
    if (!tested.ok) return { ok: false, errors: tested.errors };
    try {
      source.name = checked.name;
      source.nameKey = sourceNameKey(checked.name);
      source.baseUrl = checked.baseUrl;
      source.jiraUrl = checked.jiraUrl;
      if (checked.token) this.#repository.replaceToken(source, checked.token);
      recordSuccess(source, tested.report, this.#now());
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        return { ok: false, errors: { name: duplicateName(checked.name) } };
      }
      throw error;
    }
    this.#logger.info(
      { teamId: input.teamId, sourceId: source.id, tokenReplaced: Boolean(checked.token) },
      'source edited',
    );
    return {
      ok: true,
      source: toView(source),
      connection: summarize(tested.report),
      created: false,
      notes: schemeNotes(checked),
    };
  }

  /** Tests the stored token and records the outcome as the source's status. */
  async test(teamId: string, ref: { id: string } | { name: string }): Promise<TestOutcome> {
    const em = this.#orm.em.fork();
    const source = await this.#load(em, teamId, ref);
    let outcome: { ok: true; report: ConnectionReport } | { ok: false; code: string; message: string };
    try {
      const client = await this.#clients.forSource(em, source);
      outcome = { ok: true, report: await testConnection(client, { now: this.#now() }) };
    } catch (error) {
      if (!isCodedError(error)) throw error;
      this.#logger.warn({ teamId, sourceId: source.id, code: error.code, err: error }, 'source test failed');
      outcome = { ok: false, code: error.code, message: error.userMessage };
    }
    if (outcome.ok) {
      recordSuccess(source, outcome.report, this.#now());
    } else {
      source.status = 'failing';
      source.lastErrorCode = outcome.code;
      source.lastError = outcome.message;
      source.lastTestedAt = this.#now();
    }
    await em.flush();
    return outcome.ok
      ? { ok: true, source: toView(source), connection: summarize(outcome.report) }
      : { ok: false, source: toView(source), code: outcome.code, message: outcome.message };
  }

  /** What removing a source deletes, for the confirmation. */
  async removalImpact(
    teamId: string,
    ref: { id: string } | { name: string },
  ): Promise<{ source: SourceView; activities: number; mappings: number }> {
    const em = this.#orm.em.fork();
    const source = await this.#load(em, teamId, ref);
    const { activities, mappings } = await this.#repository.dependents(em, source.id);
    return { source: toView(source), activities, mappings };
  }

  /** Deletes the source with its mappings, activities, cursors and runs (foreign keys cascade). */
  async remove(teamId: string, sourceId: string): Promise<SourceView> {
    const em = this.#orm.em.fork();
    const source = await this.#load(em, teamId, { id: sourceId });
    await em.nativeDelete(DataSource, { id: source.id, workspace: teamId });
    this.#logger.info({ teamId, sourceId }, 'source removed');
    return toView(source);
  }

  async #load(
    em: EntityManager,
    teamId: string,
    ref: { id: string } | { name: string },
  ): Promise<IDataSource> {
    const found =
      'id' in ref
        ? UUID.test(ref.id)
          ? await em.findOne(DataSource, { id: ref.id, workspace: teamId })
          : null
        : await this.#repository.findByName(em, teamId, ref.name);
    if (found) return found;
    const names = (await this.#repository.list(em, teamId)).map((source) => source.name);
    throw sourceNotFound(ref, names);
  }
}
