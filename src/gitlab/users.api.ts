import type { GitLabClient } from './client.ts';
import {
  currentUserSchema,
  type GitLabCurrentUser,
  type GitLabTokenSelf,
  type GitLabUserBasic,
  type GitLabVersion,
  tokenSelfSchema,
  userBasicSchema,
  versionSchema,
} from './schemas.ts';

// https://docs.gitlab.com/api/users/#get-the-current-user
export function getCurrentUser(client: GitLabClient): Promise<GitLabCurrentUser> {
  return client.get('/user', {}, currentUserSchema, { endpoint: 'GET /user' });
}

// https://docs.gitlab.com/api/personal_access_tokens/#get-details-on-a-personal-access-token
// Any scope may call it; non-personal tokens (project, group, OAuth) get 400.
export function getTokenSelf(client: GitLabClient): Promise<GitLabTokenSelf> {
  return client.get('/personal_access_tokens/self', {}, tokenSelfSchema, {
    endpoint: 'GET /personal_access_tokens/self',
  });
}

// https://docs.gitlab.com/api/version/
export function getVersion(client: GitLabClient): Promise<GitLabVersion> {
  return client.get('/version', {}, versionSchema, { endpoint: 'GET /version' });
}

/**
 * The user with exactly this username, or undefined. GitLab answers an array (empty when unknown);
 * the match is re-checked because GitLab ignores query parameters it does not know.
 */
export async function findUserByUsername(
  client: GitLabClient,
  username: string,
): Promise<GitLabUserBasic | undefined> {
  const wanted = username.trim().replace(/^@/, '').toLowerCase();
  // https://docs.gitlab.com/api/users/#list-users
  const users = await client.get('/users', { username: wanted }, userBasicSchema.array(), {
    endpoint: 'GET /users?username=',
  });
  return users.find((user) => user.username.toLowerCase() === wanted);
}

/** Most users one search answers with: one page, so an options request stays one bounded call. */
export const USER_SEARCH_PAGE_SIZE = 50;

/**
 * Users whose username or name contains `search`, or whose public e-mail is `search` (GitLab's
 * own rule; short terms match only exactly). One page of at most `perPage` (≤ 100): a look-up as
 * someone types, never a walk through every user of gitlab.com.
 */
export function searchUsers(
  client: GitLabClient,
  search: string,
  perPage: number = USER_SEARCH_PAGE_SIZE,
): Promise<GitLabUserBasic[]> {
  // https://docs.gitlab.com/api/users/#list-users (`search`: name, username, public email)
  return client.get(
    '/users',
    { search, per_page: Math.min(Math.max(1, perPage), 100), active: true },
    userBasicSchema.array(),
    { endpoint: 'GET /users?search=' },
  );
}

// https://docs.gitlab.com/api/users/#get-a-single-user
export function getUser(client: GitLabClient, userId: number): Promise<GitLabUserBasic> {
  return client.get(`/users/${userId}`, {}, userBasicSchema, { endpoint: 'GET /users/:id' });
}
