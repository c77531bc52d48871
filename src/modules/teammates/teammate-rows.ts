import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CodedError } from '../../lib/errors.ts';
import type { IDataSource } from '../sources/data-source.entity.ts';
import { ensureWorkspace } from '../workspaces/workspace.repository.ts';
import { ExternalIdentity, type IExternalIdentity } from './external-identity.entity.ts';
import { type ITeammate, Teammate } from './teammate.entity.ts';
import type { SlackPerson } from './teammate.types.ts';

/** A GitLab user as checked on its source: canonical username and numeric id. */
export interface FoundGitLabUser {
  username: string;
  id: number;
}

/** The person's teammate row, created or refreshed with what Slack says of them (not flushed). */
export async function upsertTeammate(
  em: EntityManager,
  teamId: string,
  person: SlackPerson,
): Promise<ITeammate> {
  await ensureWorkspace(em, teamId);
  let teammate = await em.findOne(Teammate, { workspace: teamId, slackUserId: person.slackUserId });
  if (!teammate) {
    teammate = em.create(Teammate, {
      workspace: teamId,
      slackUserId: person.slackUserId,
      displayName: person.displayName ?? null,
      timezone: person.timezone ?? null,
    });
  } else {
    if (person.displayName) teammate.displayName = person.displayName;
    if (person.timezone) teammate.timezone = person.timezone;
  }
  return teammate;
}

/** Refuses a GitLab username someone else already holds on that source, naming who and how to free it. */
export async function assertUsernameFree(
  em: EntityManager,
  source: IDataSource,
  username: string,
  teammate: Pick<ITeammate, 'id'> | undefined,
): Promise<void> {
  const holder = await em.findOne(
    ExternalIdentity,
    { dataSource: source.id, usernameKey: username.toLowerCase() },
    { populate: ['teammate'] },
  );
  if (holder && holder.teammate.id !== teammate?.id) {
    throw new CodedError(
      'GITLAB_USERNAME_TAKEN',
      `\`${username}\` on \`${source.name}\` is already mapped to <@${holder.teammate.slackUserId}>: unmap them first with \`/pulse unmap <@${holder.teammate.slackUserId}> ${source.name}\`.`,
    );
  }
}

/** Points the teammate's identity on `source` at `found`, creating it when there is none (not flushed). */
export function putIdentity(
  em: EntityManager,
  teammate: ITeammate,
  source: IDataSource,
  found: FoundGitLabUser,
  existing: IExternalIdentity | null | undefined,
): void {
  if (existing) {
    existing.username = found.username;
    existing.usernameKey = found.username.toLowerCase();
    existing.externalUserId = found.id;
    return;
  }
  em.create(ExternalIdentity, {
    teammate,
    dataSource: source,
    username: found.username,
    usernameKey: found.username.toLowerCase(),
    externalUserId: found.id,
  });
}

/**
 * Flushes, turning the race where someone else took a username between the check and the write
 * into `onTaken`'s answer (the transaction is rolled back: nothing half-saved).
 */
export async function flushMappings<T>(em: EntityManager, onTaken: () => T): Promise<T | undefined> {
  try {
    await em.flush();
    return undefined;
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) return onTaken();
    throw error;
  }
}
