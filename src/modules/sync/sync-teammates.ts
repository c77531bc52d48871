import type { EntityManager } from '@mikro-orm/postgresql';
import { findUserByUsername, type GitLabClient, getUser, isGitLabError } from '../../gitlab/index.ts';
import { CodedError } from '../../lib/errors.ts';
import { type IdentityRow, rememberExternalUserId } from '../teammates/external-identity.repository.ts';
import { PIPELINE_INTEREST_MS, type PipelineInterest } from './graphql-streams.ts';
import type { ProjectDirectory } from './project-directory.ts';
import { type CursorMap, cursorKey } from './sync-cursor.repository.ts';
import type { TeammateRef } from './teammate-events.ts';

export type { IdentityRow };

/** The teammate's GitLab user id, looked up (and stored) the first time. */
export async function resolveTeammate(
  em: EntityManager,
  client: GitLabClient,
  identity: IdentityRow,
): Promise<TeammateRef> {
  const known = identity.external_user_id === null ? undefined : Number(identity.external_user_id);
  const ref = {
    teammateId: identity.teammate_id,
    slackUserId: identity.slack_user_id,
    username: identity.username,
  };
  if (known !== undefined) return { ...ref, userId: known };
  const user = await findUserByUsername(client, identity.username);
  if (!user) {
    throw new CodedError(
      'GITLAB_NOT_FOUND',
      `GitLab has no user named @${identity.username}: check the spelling and map the teammate again with /pulse map.`,
    );
  }
  await rememberExternalUserId(em, identity.identity_id, user.id);
  return { ...ref, username: user.username, userId: user.id };
}

export function earliestEventsCursor(identities: IdentityRow[], cursors: CursorMap): Date | undefined {
  let earliest: Date | undefined;
  for (const identity of identities) {
    const position = cursors.get(cursorKey(identity.teammate_id, 'events'))?.position;
    if (!position) return undefined; // someone syncs for the first time: the window is the default
    if (!earliest || position < earliest) earliest = position;
  }
  return earliest;
}

/**
 * Projects whose pipelines to ask about for a teammate: the ones they pushed to now, the ones
 * remembered but not read yet, and the ones polled before that saw activity within
 * PIPELINE_INTEREST_MS.
 */
export function pipelineInterests(
  teammate: TeammateRef,
  activeProjects: Set<number>,
  projects: ProjectDirectory,
  cursors: CursorMap,
  runStartedAt: Date,
): PipelineInterest[] {
  const paths = new Set<string>();
  for (const id of activeProjects) {
    const path = projects.get(id);
    if (path) paths.add(path);
  }
  const prefix = `${teammate.teammateId}\u0000pipelines:`;
  for (const [key, value] of cursors) {
    if (!key.startsWith(prefix)) continue;
    // Never read yet (position null), or read and active lately.
    if (!value.position || runStartedAt.getTime() - value.position.getTime() <= PIPELINE_INTEREST_MS) {
      paths.add(key.slice(prefix.length));
    }
  }
  return [...paths].sort().map((projectPath) => ({ teammate, projectPath }));
}

/** GitLab leaves `created_at` out of a user it will not show the profile of (private profile). */
export async function isPrivateProfile(client: GitLabClient, userId: number): Promise<boolean> {
  try {
    const user = await getUser(client, userId);
    return !('created_at' in user) || user['created_at'] === undefined;
  } catch (error) {
    if (isGitLabError(error, 'GITLAB_NOT_FOUND')) return false;
    throw error;
  }
}
