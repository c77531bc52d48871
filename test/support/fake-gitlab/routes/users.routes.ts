import tokenSelfFixture from '../fixtures/token-self.json' with { type: 'json' };
import versionFixture from '../fixtures/version.json' with { type: 'json' };
import { currentUser, userBasic } from '../present.ts';
import { json, list, notFound, type Route } from '../route.ts';
import type { FakeUser } from '../scenario.ts';
import { derived, groupBy } from '../scenario-index.ts';
import { isTokenExpired } from '../world.ts';

export const userRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/user',
    access: 'read_user',
    handle: ({ world, user }) => json(currentUser(world, user)),
  },
  {
    method: 'GET',
    pattern: '/users',
    access: 'read_user',
    // Paginated like every GitLab list; `username` is exact, `search` is GitLab's user search.
    handle: ({ world, query }) => {
      const username = query.get('username');
      const search = query.get('search');
      let users = username
        ? (derived(world.scenario.users, usersByUsername).get(username.toLowerCase()) ?? [])
        : search !== null
          ? searchUsers(world.scenario.users, search)
          : world.scenario.users;
      if (query.get('active') === 'true')
        users = users.filter((user) => (user.state ?? 'active') === 'active');
      return list(users, (user) => userBasic(world, user));
    },
  },
  {
    method: 'GET',
    pattern: '/users/:id',
    access: 'read_user',
    handle: ({ world, params, user }) => {
      const found = world.userByIdOrUsername(params['id'] ?? '');
      if (!found) return notFound('User');
      // GitLab leaves created_at out when the profile is private and the reader is someone else.
      const hidden = found.private_profile && found.id !== user.id;
      return json({
        ...userBasic(world, found),
        ...(hidden ? {} : { created_at: '2020-01-01T00:00:00.000Z' }),
      });
    },
  },
  {
    method: 'GET',
    pattern: '/personal_access_tokens/self',
    access: 'any',
    handle: ({ world, token, now }) => {
      // The endpoint came in 15.1 and answered 401 for every token until 15.5.
      const version = /^(\d+)\.(\d+)/.exec(world.version);
      const number = version ? Number(version[1]) * 100 + Number(version[2]) : Number.POSITIVE_INFINITY;
      if (number < 1501) return json({ error: '404 Not Found' }, 404);
      if (number < 1505) return json({ message: '401 Unauthorized' }, 401);
      if (token.kind && token.kind !== 'personal') return json({ message: '400 Bad request' }, 400);
      const expired = isTokenExpired(token, now);
      return json({
        ...tokenSelfFixture,
        id: token.id ?? tokenSelfFixture.id,
        name: token.name ?? tokenSelfFixture.name,
        revoked: token.revoked ?? false,
        scopes: token.scopes,
        user_id: token.userId,
        active: token.active ?? (!token.revoked && !expired),
        expires_at: token.expires_at ?? null,
      });
    },
  },
  {
    method: 'GET',
    pattern: '/version',
    access: 'read_user',
    handle: ({ world }) => json({ ...versionFixture, ...world.scenario.version }),
  },
];

const usersByUsername = (users: readonly FakeUser[]) => groupBy(users, (user) => user.username.toLowerCase());

/** GitLab matches partially from this many characters on; shorter terms match only whole values. */
const MIN_CHARS_FOR_PARTIAL_MATCHING = 3;

/**
 * GitLab's user search as a non-admin token sees it: username or name containing the term (case
 * does not matter), or the exact public e-mail (private e-mails are never matched). Exact matches
 * come first, then by name. https://docs.gitlab.com/api/users/#list-users
 */
function searchUsers(users: FakeUser[], term: string): FakeUser[] {
  const wanted = term.trim().toLowerCase();
  if (wanted === '') return users;
  const partial = wanted.length >= MIN_CHARS_FOR_PARTIAL_MATCHING;
  const rank = (user: FakeUser): number | undefined => {
    const name = user.name.toLowerCase();
    const username = user.username.toLowerCase();
    if (name === wanted) return 0;
    if (username === wanted) return 1;
    if (user.public_email && user.public_email.toLowerCase() === wanted) return 2;
    if (partial && (name.includes(wanted) || username.includes(wanted))) return 3;
    return undefined;
  };
  return users
    .flatMap((user) => {
      const order = rank(user);
      return order === undefined ? [] : [{ user, order }];
    })
    .sort((a, b) => a.order - b.order || a.user.name.localeCompare(b.user.name) || a.user.id - b.user.id)
    .map((entry) => entry.user);
}
