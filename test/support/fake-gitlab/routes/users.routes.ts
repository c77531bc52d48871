import tokenSelfFixture from '../fixtures/token-self.json' with { type: 'json' };
import versionFixture from '../fixtures/version.json' with { type: 'json' };
import { currentUser, userBasic } from '../present.ts';
import { json, notFound, type Route } from '../route.ts';
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
    handle: ({ world, query }) => {
      const username = query.get('username');
      const users = username
        ? world.scenario.users.filter((user) => user.username.toLowerCase() === username.toLowerCase())
        : world.scenario.users;
      return json(users.map((user) => userBasic(world, user)));
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
