import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../db/orm.ts';
import { searchUsers } from '../../gitlab/index.ts';
import { CodedError, isCodedError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { runPool } from '../../lib/run-pool.ts';
import type { IDataSource } from '../sources/data-source.entity.ts';
import type { DataSourceRepository } from '../sources/data-source.repository.ts';
import type { SourceClients } from '../sources/source-clients.ts';
import { ExternalIdentity } from './external-identity.entity.ts';
import { confirmMappings } from './mapping-confirmation.ts';
import { findMatch, type GitLabCandidate, type SlackCandidate } from './mapping-match.ts';
import type {
  ConfirmedMapping,
  ConfirmOutcome,
  GitLabUserOption,
  MappingProposal,
  SlackPerson,
  SuggestionReport,
} from './teammate.types.ts';

/** GitLab searches one suggestion run may send per source (a person costs one to three). */
export const MAX_SEARCHES_PER_SOURCE = 300;
/** Searches in flight per source: quick enough for a modal, gentle on a self-managed GitLab. */
const SEARCH_CONCURRENCY = 4;

/**
 * Mapping in a few clicks: GitLab users looked up as an admin types, proposals of who is who by
 * e-mail and name, and the confirmation of the chosen proposals in one transaction.
 */
export class MappingSuggestionsService {
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

  /** GitLab users of one source matching what the admin typed (one bounded request). */
  async searchGitLabUsers(
    teamId: string,
    sourceId: string,
    query: string,
    limit: number,
  ): Promise<GitLabUserOption[]> {
    const em = this.#orm.em.fork();
    const source = (await this.#repository.list(em, teamId)).find((candidate) => candidate.id === sourceId);
    if (!source)
      throw new CodedError('SOURCE_NOT_FOUND', 'That data source was removed: open the form again.');
    const client = await this.#clients.forSource(em, source);
    const users = await searchUsers(client, query.trim(), limit);
    return users.map((user) => ({ username: user.username, name: user.name }));
  }

  /** Proposals for every unmapped person on every source; a failing source is reported, not fatal. */
  async suggest(teamId: string, people: SlackCandidate[]): Promise<SuggestionReport> {
    const em = this.#orm.em.fork();
    const sources = await this.#repository.list(em, teamId);
    if (sources.length === 0) {
      throw new CodedError(
        'NO_SOURCES',
        'No data source is set up yet: add one with `/pulse source add` first.',
      );
    }
    const mapped = await em.find(
      ExternalIdentity,
      { teammate: { workspace: teamId } },
      { populate: ['teammate'] },
    );
    const report: SuggestionReport = { proposals: [], ambiguous: 0, notSearched: 0, sourceErrors: [] };
    for (const source of sources) {
      const onSource = mapped.filter((identity) => identity.dataSource.id === source.id);
      const taken = new Set(onSource.map((identity) => identity.usernameKey));
      const mappedHere = new Set(onSource.map((identity) => identity.teammate.slackUserId));
      // People with an e-mail first: one search each and the surest matches, should the budget run out.
      const unmapped = people
        .filter((person) => !mappedHere.has(person.slackUserId))
        .sort((a, b) => Number(b.email !== null) - Number(a.email !== null));
      try {
        await this.#suggestOn(em, source, unmapped, taken, report);
      } catch (error) {
        if (!isCodedError(error)) throw error;
        this.#logger.warn(
          { sourceId: source.id, code: error.code, err: error },
          'mapping suggestions: source search failed',
        );
        report.sourceErrors.push({ sourceName: source.name, message: error.userMessage });
      }
    }
    return report;
  }

  async #suggestOn(
    em: EntityManager,
    source: IDataSource,
    people: SlackCandidate[],
    taken: Set<string>,
    report: SuggestionReport,
  ): Promise<void> {
    const client = await this.#clients.forSource(em, source);
    let searches = 0;
    let failure: unknown;
    const search = async (term: string, perPage: number): Promise<GitLabCandidate[] | undefined> => {
      if (failure !== undefined || searches >= MAX_SEARCHES_PER_SOURCE) return undefined;
      searches += 1;
      try {
        return await searchUsers(client, term, perPage);
      } catch (error) {
        failure ??= error;
        return undefined;
      }
    };
    const found: Array<{ person: SlackCandidate; user: GitLabCandidate; reason: 'email' | 'name' }> = [];
    await runPool(people, SEARCH_CONCURRENCY, async (person) => {
      const match = await findMatch(person, search);
      if (match === 'not-searched') report.notSearched += 1;
      else if (match === 'ambiguous') report.ambiguous += 1;
      else if (match) found.push({ person, ...match });
    });
    if (failure !== undefined) throw failure;
    // One GitLab user for one person: an e-mail match beats a name match; two alike propose neither.
    const byUser = Map.groupBy(found, (entry) => entry.user.username.toLowerCase());
    const proposals: MappingProposal[] = [];
    for (const [key, entries] of byUser) {
      if (taken.has(key)) continue;
      const emails = entries.filter((entry) => entry.reason === 'email');
      const best = emails.length > 0 ? emails : entries;
      if (best.length > 1) {
        report.ambiguous += best.length;
        continue;
      }
      const { person, user, reason } = best[0]!;
      proposals.push(proposal(source, person, user, reason));
    }
    // Searches finish in any order: e-mail matches first, then by name, so the modal is stable.
    proposals.sort(
      (a, b) =>
        (a.reason === b.reason ? 0 : a.reason === 'email' ? -1 : 1) ||
        a.displayName.localeCompare(b.displayName),
    );
    report.proposals.push(...proposals);
  }

  /** Saves the ticked proposals, all or none (see confirmMappings). */
  confirm(input: {
    teamId: string;
    picks: ConfirmedMapping[];
    people: Map<string, SlackPerson>;
  }): Promise<ConfirmOutcome> {
    return confirmMappings(
      { orm: this.#orm, repository: this.#repository, clients: this.#clients, logger: this.#logger },
      input,
    );
  }
}

function proposal(
  source: IDataSource,
  person: SlackCandidate,
  user: GitLabCandidate,
  reason: 'email' | 'name',
): MappingProposal {
  return {
    sourceId: source.id,
    sourceName: source.name,
    slackUserId: person.slackUserId,
    displayName: person.displayName,
    username: user.username,
    gitlabName: user.name,
    reason,
  };
}
