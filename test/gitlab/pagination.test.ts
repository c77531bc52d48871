import { describe, expect, it } from 'vitest';
import { listUserEvents } from '../../src/gitlab/events.api.ts';
import { nextPageUrl, parseLinkHeader } from '../../src/gitlab/pagination.ts';
import { buildPushEvents, buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { faults } from '../support/fake-gitlab/faults.ts';
import { collect, startKit } from './gitlab-test-kit.ts';

const EVENTS = 'GET /users/:id/events';

describe('parseLinkHeader', () => {
  it('reads every rel of a GitLab Link header', () => {
    const header =
      '<https://gitlab.example.test/api/v4/users/1/events?page=1&per_page=100>; rel="prev", ' +
      '<https://gitlab.example.test/api/v4/users/1/events?page=3&per_page=100>; rel="next", ' +
      '<https://gitlab.example.test/api/v4/users/1/events?page=1&per_page=100>; rel="first", ' +
      '<https://gitlab.example.test/api/v4/users/1/events?page=9&per_page=100>; rel="last"';
    expect(parseLinkHeader(header)).toEqual({
      prev: 'https://gitlab.example.test/api/v4/users/1/events?page=1&per_page=100',
      next: 'https://gitlab.example.test/api/v4/users/1/events?page=3&per_page=100',
      first: 'https://gitlab.example.test/api/v4/users/1/events?page=1&per_page=100',
      last: 'https://gitlab.example.test/api/v4/users/1/events?page=9&per_page=100',
    });
  });

  it('accepts unquoted and multi-valued rels and ignores entries without one', () => {
    expect(
      parseLinkHeader('<https://a.test/x?page=2>; rel=next, <https://a.test/y>; title="no rel"'),
    ).toEqual({
      next: 'https://a.test/x?page=2',
    });
    expect(parseLinkHeader('<https://a.test/z>; rel="next last"')).toEqual({
      next: 'https://a.test/z',
      last: 'https://a.test/z',
    });
    expect(parseLinkHeader(undefined)).toEqual({});
  });
});

describe('nextPageUrl', () => {
  const apiUrl = 'https://gitlab.example.test/gitlab/api/v4';
  const current = new URL(`${apiUrl}/projects/7/repository/commits?ref_name=main&per_page=100`);

  it('keeps the configured host and sub-path when the link names an internal host', () => {
    const next = nextPageUrl(
      current,
      {
        link: '<http://gitlab-internal:8080/api/v4/projects/7/repository/commits?page=2&per_page=100&ref_name=main>; rel="next"',
      },
      apiUrl,
    );
    expect(next?.href).toBe(
      'https://gitlab.example.test/gitlab/api/v4/projects/7/repository/commits?page=2&per_page=100&ref_name=main',
    );
  });

  it('falls back to X-Next-Page and stops when it is empty', () => {
    expect(nextPageUrl(current, { 'x-next-page': '4' }, apiUrl)?.searchParams.get('page')).toBe('4');
    expect(nextPageUrl(current, { 'x-next-page': '' }, apiUrl)).toBeUndefined();
    expect(nextPageUrl(current, {}, apiUrl)).toBeUndefined();
  });

  it('restores per_page=100 when a proxy drops it from the link', () => {
    const next = nextPageUrl(
      current,
      { link: '<https://gitlab.example.test/gitlab/api/v4/x?page=2>; rel="next"' },
      apiUrl,
    );
    expect(next?.searchParams.get('per_page')).toBe('100');
  });
});

describe('GitLabClient.paginate against the fake GitLab', () => {
  it('reads 250 events in 3 requests of 100, following the Link header', async () => {
    const kit = await startKit(buildScenario({ events: buildPushEvents(250) }));
    const pages = await collect(listUserEvents(kit.client(TOKENS.ada), 41, { after: '2024-05-01' }));

    expect(pages.map((page) => page.items.length)).toEqual([100, 100, 50]);
    expect(pages.map((page) => page.page)).toEqual([1, 2, 3]);
    expect(pages[0]?.total).toBe(250);
    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual(
      Array.from({ length: 250 }, (_, index) => 10_000 + index),
    );
    expect(kit.fake.count(EVENTS)).toBe(3);
    expect(kit.fake.requests.map((request) => request.query['per_page'])).toEqual(['100', '100', '100']);
    expect(kit.fake.requests[0]?.query).toMatchObject({ sort: 'asc', after: '2024-05-01' });
  });

  it('follows X-Next-Page when GitLab sends no Link header', async () => {
    const kit = await startKit(buildScenario({ events: buildPushEvents(250) }), {
      faults: [faults.onlyXNextPage()],
    });
    const pages = await collect(listUserEvents(kit.client(TOKENS.ada), 41));
    expect(pages.map((page) => page.items.length)).toEqual([100, 100, 50]);
    expect(kit.fake.requests.map((request) => request.query['page'])).toEqual([undefined, '2', '3']);
  });

  it('follows the Link header alone when X-Next-Page is missing', async () => {
    const kit = await startKit(buildScenario({ events: buildPushEvents(201) }), {
      faults: [faults.onlyLinkHeader()],
    });
    const pages = await collect(listUserEvents(kit.client(TOKENS.ada), 41));
    expect(pages.map((page) => page.items.length)).toEqual([100, 100, 1]);
  });

  it('does not stop on a short page: GitLab hides events after paging', async () => {
    // 150 visible events interleaved with 100 in a project ada cannot see.
    const visible = buildPushEvents(150, { firstId: 1 });
    const hidden = buildPushEvents(100, { firstId: 5_000, projectId: 8, start: '2024-05-06T08:00:30Z' });
    const kit = await startKit(buildScenario({ events: [...visible, ...hidden] }));
    const pages = await collect(listUserEvents(kit.client(TOKENS.ada), 41));

    expect(pages.length).toBe(3);
    expect(pages[0]?.items.length).toBeLessThan(100);
    expect(pages.flatMap((page) => page.items).length).toBe(150);
    expect(kit.fake.count(EVENTS)).toBe(3);
  });

  it('rewrites a next link that names another host to the configured base URL', async () => {
    const kit = await startKit(buildScenario({ events: buildPushEvents(120) }), {
      faults: [faults.foreignNextLink('http://gitlab.internal.invalid:8080')],
    });
    const pages = await collect(listUserEvents(kit.client(TOKENS.ada), 41));

    expect(pages.map((page) => page.items.length)).toEqual([100, 20]);
    // Both requests reached the fake: the token never went to the foreign host.
    expect(kit.fake.count(EVENTS)).toBe(2);
    expect(kit.fake.requests[1]?.query['page']).toBe('2');
  });

  it('answers one empty page for a user with a private profile', async () => {
    const events = buildPushEvents(5, { author: 'hidden' });
    const kit = await startKit(buildScenario({ events }));
    const pages = await collect(listUserEvents(kit.client(TOKENS.ada), 43));
    expect(pages).toEqual([{ items: [], page: 1, nextPage: undefined, total: 0 }]);
  });
});
