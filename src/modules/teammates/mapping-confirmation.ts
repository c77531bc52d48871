import type { Orm } from '../../db/orm.ts';
import { isCodedError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { runPool } from '../../lib/run-pool.ts';
import type { DataSourceRepository } from '../sources/data-source.repository.ts';
import type { SourceClients } from '../sources/source-clients.ts';
import { ExternalIdentity } from './external-identity.entity.ts';
import { verifyGitLabUsername } from './gitlab-username.ts';
import { Teammate } from './teammate.entity.ts';
import type { ConfirmedMapping, ConfirmOutcome, SlackPerson } from './teammate.types.ts';
import {
  assertUsernameFree,
  type FoundGitLabUser,
  flushMappings,
  putIdentity,
  upsertTeammate,
} from './teammate-rows.ts';

/** GitLab checks in flight while confirming. */
const CHECK_CONCURRENCY = 4;

/**
 * Saves the ticked proposals, all or none: each GitLab user is checked again (renamed, removed,
 * taken since), a person gets one user per source and a user one person. Proposals already saved
 * exactly so are counted unchanged, so a repeated confirmation changes nothing.
 */
export async function confirmMappings(
  deps: { orm: Orm; repository: DataSourceRepository; clients: SourceClients; logger: Logger },
  input: {
    teamId: string;
    picks: ConfirmedMapping[];
    people: Map<string, SlackPerson>;
  },
): Promise<ConfirmOutcome> {
  const em = deps.orm.em.fork();
  const sources = new Map(
    (await deps.repository.list(em, input.teamId)).map((source) => [source.id, source]),
  );
  const errors: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const pick of input.picks) {
    const source = sources.get(pick.sourceId);
    if (!source) {
      errors[pick.key] = 'This source was removed meanwhile: suggest mappings again.';
      continue;
    }
    for (const [what, id] of [
      ['person', pick.slackUserId],
      ['user', pick.username.toLowerCase()],
    ] as const) {
      const other = seen.get(`${source.id}:${what}:${id}`);
      if (other) {
        errors[pick.key] =
          what === 'person'
            ? `<@${pick.slackUserId}> is ticked twice on \`${source.name}\`: keep one.`
            : `@${pick.username} on \`${source.name}\` is ticked for two people: keep one.`;
      }
      seen.set(`${source.id}:${what}:${id}`, pick.key);
    }
  }
  const checked = new Map<string, FoundGitLabUser>();
  await runPool(input.picks, CHECK_CONCURRENCY, async (pick) => {
    const source = sources.get(pick.sourceId);
    if (!source || errors[pick.key]) return;
    try {
      const found = await verifyGitLabUsername(
        () => deps.clients.forSource(em, source),
        source,
        pick.username,
        deps.logger,
      );
      checked.set(pick.key, found);
    } catch (error) {
      if (!isCodedError(error)) throw error;
      errors[pick.key] = error.userMessage;
    }
  });
  // The database checks one at a time: an EntityManager is not for concurrent queries.
  for (const pick of input.picks) {
    const found = checked.get(pick.key);
    if (!found) continue;
    const teammate = await em.findOne(Teammate, { workspace: input.teamId, slackUserId: pick.slackUserId });
    await assertUsernameFree(em, sources.get(pick.sourceId)!, found.username, teammate ?? undefined).catch(
      (error: unknown) => {
        if (!isCodedError(error)) throw error;
        errors[pick.key] = error.userMessage;
      },
    );
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const saved: Array<{ slackUserId: string; sourceName: string; username: string }> = [];
  let unchanged = 0;
  for (const pick of input.picks) {
    const source = sources.get(pick.sourceId)!;
    const found = checked.get(pick.key)!;
    const person = input.people.get(pick.slackUserId) ?? { slackUserId: pick.slackUserId };
    const teammate = await upsertTeammate(em, input.teamId, person);
    const existing = await em.findOne(ExternalIdentity, { teammate: teammate.id, dataSource: source.id });
    if (existing && existing.usernameKey === found.username.toLowerCase()) {
      unchanged += 1;
      continue;
    }
    putIdentity(em, teammate, source, found, existing);
    saved.push({ slackUserId: pick.slackUserId, sourceName: source.name, username: found.username });
  }
  const raced = await flushMappings(
    em,
    (): ConfirmOutcome => ({
      ok: false,
      errors: Object.fromEntries(
        input.picks.map((pick) => [pick.key, 'Someone was mapped meanwhile: suggest mappings again.']),
      ),
    }),
  );
  if (raced) return raced;
  deps.logger.info({ teamId: input.teamId, saved: saved.length, unchanged }, 'suggested mappings confirmed');
  return { ok: true, saved, unchanged };
}
