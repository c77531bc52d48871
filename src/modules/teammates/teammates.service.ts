import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../db/orm.ts';
import { CodedError, isCodedError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { IDataSource } from '../sources/data-source.entity.ts';
import type { DataSourceRepository } from '../sources/data-source.repository.ts';
import type { SourceClients } from '../sources/source-clients.ts';
import { hostOf } from '../sources/source-view.ts';
import { ensureWorkspace } from '../workspaces/workspace.repository.ts';
import { ExternalIdentity } from './external-identity.entity.ts';
import { identityView, verifyGitLabUsername } from './gitlab-username.ts';
import { Teammate } from './teammate.entity.ts';
import type { MappingResult, SetMappingsOutcome, SlackPerson, TeammateView } from './teammate.types.ts';
import { assertUsernameFree, flushMappings, putIdentity, upsertTeammate } from './teammate-rows.ts';

/**
 * Who is who: a Slack user maps to one GitLab username per data source, checked against that
 * GitLab (which also gives the numeric id the sync reads events by).
 */
export class TeammatesService {
  readonly #orm: Orm;
  readonly #repository: DataSourceRepository;
  readonly #clients: SourceClients;
  readonly #logger: Logger;

  constructor(options: {
    orm: Orm;
    repository: DataSourceRepository;
    clients: SourceClients;
    logger: Logger;
  }) {
    this.#orm = options.orm;
    this.#repository = options.repository;
    this.#clients = options.clients;
    this.#logger = options.logger;
  }

  async map(input: {
    teamId: string;
    person: SlackPerson;
    username: string;
    sourceName?: string;
  }): Promise<MappingResult> {
    const em = this.#orm.em.fork();
    const source = await this.#resolveSource(em, input.teamId, input.sourceName);
    const found = await this.#verify(em, source, input.username);
    const teammate = await upsertTeammate(em, input.teamId, input.person);
    await assertUsernameFree(em, source, found.username, teammate);
    const existing = await em.findOne(ExternalIdentity, { teammate: teammate.id, dataSource: source.id });
    const previousUsername = existing?.username ?? null;
    putIdentity(em, teammate, source, found, existing);
    await flushMappings(em, () => {
      throw new CodedError(
        'GITLAB_USERNAME_TAKEN',
        `\`${found.username}\` on \`${source.name}\` was just mapped to someone else: see \`/pulse teammates\`.`,
      );
    });
    this.#logger.info(
      { teamId: input.teamId, sourceId: source.id, slackUserId: input.person.slackUserId },
      'teammate mapped',
    );
    return {
      slackUserId: input.person.slackUserId,
      sourceId: source.id,
      sourceName: source.name,
      host: hostOf(source.baseUrl),
      username: found.username,
      gitlabUserId: found.id,
      gitlabName: found.name,
      previousUsername,
    };
  }

  /** Removes the mapping on one source, or on every source when none is named. */
  async unmap(input: {
    teamId: string;
    slackUserId: string;
    sourceName?: string;
  }): Promise<Array<{ sourceName: string; username: string }>> {
    const em = this.#orm.em.fork();
    const source = input.sourceName
      ? await this.#resolveSource(em, input.teamId, input.sourceName)
      : undefined;
    const teammate = await em.findOne(Teammate, { workspace: input.teamId, slackUserId: input.slackUserId });
    const identities = teammate
      ? await em.find(
          ExternalIdentity,
          { teammate: teammate.id, ...(source ? { dataSource: source.id } : {}) },
          { populate: ['dataSource'] },
        )
      : [];
    if (identities.length === 0) {
      throw new CodedError(
        'NOT_MAPPED',
        `<@${input.slackUserId}> is not mapped${source ? ` on \`${source.name}\`` : ''}: nothing to remove. See who is with \`/pulse teammates\`.`,
      );
    }
    const removed = identities.map((identity) => ({
      sourceName: identity.dataSource.name,
      username: identity.username,
    }));
    await em.nativeDelete(ExternalIdentity, { id: { $in: identities.map((identity) => identity.id) } });
    return removed;
  }

  async list(teamId: string): Promise<TeammateView[]> {
    const em = this.#orm.em.fork();
    const identities = await em.find(
      ExternalIdentity,
      { teammate: { workspace: teamId } },
      { populate: ['teammate', 'dataSource'], orderBy: { dataSource: { nameKey: 'asc' } } },
    );
    const byTeammate = new Map<string, TeammateView>();
    for (const identity of identities) {
      const teammate = identity.teammate;
      let view = byTeammate.get(teammate.id);
      if (!view) {
        view = {
          slackUserId: teammate.slackUserId,
          displayName: teammate.displayName ?? null,
          timezone: teammate.timezone ?? null,
          identities: [],
        };
        byTeammate.set(teammate.id, view);
      }
      view.identities.push(identityView(identity));
    }
    return [...byTeammate.values()].sort((a, b) =>
      (a.displayName ?? a.slackUserId).localeCompare(b.displayName ?? b.slackUserId),
    );
  }

  /** One person's mappings (empty when unmapped). */
  async get(teamId: string, slackUserId: string): Promise<TeammateView> {
    const em = this.#orm.em.fork();
    const teammate = await em.findOne(Teammate, { workspace: teamId, slackUserId });
    const identities = teammate
      ? await em.find(ExternalIdentity, { teammate: teammate.id }, { populate: ['dataSource'] })
      : [];
    return {
      slackUserId,
      displayName: teammate?.displayName ?? null,
      timezone: teammate?.timezone ?? null,
      identities: identities.map(identityView),
    };
  }

  /**
   * The mapping form: one username per source named in `usernames` (empty removes that mapping;
   * a source left out keeps what it has). Every username is checked first; only when all are
   * valid is anything written, in one transaction.
   */
  async setMappings(input: {
    teamId: string;
    person: SlackPerson;
    usernames: Record<string, string>;
  }): Promise<SetMappingsOutcome> {
    const em = this.#orm.em.fork();
    await ensureWorkspace(em, input.teamId);
    const sources = await this.#repository.list(em, input.teamId);
    const teammate = await em.findOne(Teammate, {
      workspace: input.teamId,
      slackUserId: input.person.slackUserId,
    });
    const current = teammate ? await em.find(ExternalIdentity, { teammate: teammate.id }) : [];
    const errors: Record<string, string> = {};
    const plan: Array<{ source: IDataSource; found: { username: string; id: number } | null }> = [];
    for (const source of sources) {
      if (!Object.hasOwn(input.usernames, source.id)) continue;
      const wanted = (input.usernames[source.id] ?? '').trim().replace(/^@/, '');
      const existing = current.find((identity) => identity.dataSource.id === source.id);
      if (wanted === '') {
        if (existing) plan.push({ source, found: null });
        continue;
      }
      if (existing && existing.usernameKey === wanted.toLowerCase()) continue;
      try {
        const found = await this.#verify(em, source, wanted);
        await assertUsernameFree(em, source, found.username, teammate ?? undefined);
        plan.push({ source, found });
      } catch (error) {
        if (!isCodedError(error)) throw error;
        errors[source.id] = error.userMessage;
      }
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    if (plan.length === 0) return { ok: true, changed: [] };
    const person = await upsertTeammate(em, input.teamId, input.person);
    for (const step of plan) {
      const existing = current.find((identity) => identity.dataSource.id === step.source.id);
      if (step.found) putIdentity(em, person, step.source, step.found, existing);
      else if (existing) em.remove(existing);
    }
    const taken = await flushMappings(
      em,
      (): SetMappingsOutcome => ({
        ok: false,
        errors: Object.fromEntries(
          plan.map((step) => [step.source.id, 'Someone else was just mapped to this username.']),
        ),
      }),
    );
    if (taken) return taken;
    return {
      ok: true,
      changed: plan.map((step) => ({ sourceName: step.source.name, username: step.found?.username ?? null })),
    };
  }

  /** Names the source, or picks the only one; otherwise says which names exist. */
  async #resolveSource(em: EntityManager, teamId: string, name: string | undefined): Promise<IDataSource> {
    const sources = await this.#repository.list(em, teamId);
    const names = sources.map((source) => `\`${source.name}\``).join(', ');
    if (name) {
      const found = sources.find((source) => source.nameKey === name.trim().toLowerCase());
      if (found) return found;
      throw new CodedError(
        'SOURCE_NOT_FOUND',
        sources.length > 0
          ? `There is no data source called \`${name.slice(0, 40)}\`. Sources: ${names}.`
          : 'No data source is set up yet: add one with `/pulse source add` first.',
      );
    }
    if (sources.length === 1) return sources[0]!;
    if (sources.length === 0) {
      throw new CodedError(
        'NO_SOURCES',
        'No data source is set up yet: add one with `/pulse source add` first.',
      );
    }
    throw new CodedError(
      'SOURCE_REQUIRED',
      `There are several data sources; say which one at the end: ${names}.`,
    );
  }

  async #verify(em: EntityManager, source: IDataSource, username: string) {
    return verifyGitLabUsername(() => this.#clients.forSource(em, source), source, username, this.#logger);
  }
}
