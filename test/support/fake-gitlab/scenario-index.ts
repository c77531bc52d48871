/**
 * Look-ups the fake GitLab derives from its scenario's lists, so that a request costs what GitLab's
 * own (indexed) queries cost instead of a scan of the whole scenario (issue 17: the fake runs in the
 * benchmark's process, on the CPUs of the sync it serves). They answer exactly what the scans did:
 * each group keeps the list's order, and a "first" look-up keeps the item `Array.find` would pick.
 *
 * Tests change a scenario between syncs by replacing a list or pushing onto it, so a derived value
 * is rebuilt whenever its list is another array or has another length or last item. Records are
 * never edited in place in a way that moves them between groups (an id, a project, an author);
 * their other fields are read from the records themselves, never copied.
 */

import type {
  FakeCommit,
  FakeEvent,
  FakeIssue,
  FakeMergeRequest,
  FakePipeline,
  FakeTimelog,
} from './scenario.ts';

const EMPTY: readonly never[] = Object.freeze([]);

interface Derived {
  length: number;
  last: unknown;
  value: unknown;
}

const derivedByList = new WeakMap<object, Map<unknown, Derived>>();

/** `build(items)`, built once per state of the list; `build` must be one module-level function. */
export function derived<T, V>(items: readonly T[] | undefined, build: (items: readonly T[]) => V): V {
  const list = items ?? EMPTY;
  let cache = derivedByList.get(list);
  if (!cache) {
    cache = new Map();
    derivedByList.set(list, cache);
  }
  const last = list.at(-1);
  const known = cache.get(build);
  if (known && known.length === list.length && known.last === last) return known.value as V;
  const value = build(list);
  cache.set(build, { length: list.length, last, value });
  return value;
}

/** `items.filter((item) => key(item) === wanted)` for every key at once, in the list's order; `keys` may put an item in several groups (once each). */
export function groupBy<T, K>(items: readonly T[], keys: (item: T) => K | readonly K[]): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const found = keys(item);
    const unique = Array.isArray(found) ? new Set(found as readonly K[]) : [found as K];
    for (const key of unique) {
      if (Number.isNaN(key)) continue; // `===` matches NaN with nothing, a Map would
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
  }
  return groups;
}

/** The first item per key: what `items.find((item) => key(item) === wanted)` answers. */
export function firstBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T> {
  const first = new Map<K, T>();
  for (const item of items) {
    const value = key(item);
    if (Number.isNaN(value)) continue; // `===` matches NaN with nothing, a Map would
    if (!first.has(value)) first.set(value, item);
  }
  return first;
}

// The look-ups the routes and resolvers share (one build per list, whoever asks first).

export const eventsByAuthor = (items: readonly FakeEvent[]) =>
  groupBy(items, (item) => item.author.toLowerCase());
export const eventsByProject = (items: readonly FakeEvent[]) => groupBy(items, (item) => item.project_id);
export const commitsByProject = (items: readonly FakeCommit[]) => groupBy(items, (item) => item.project_id);
export const pipelinesByProject = (items: readonly FakePipeline[]) =>
  groupBy(items, (item) => item.project_id);
export const timelogsByUsername = (items: readonly FakeTimelog[]) =>
  groupBy(items, (item) => item.username.toLowerCase());
export const timelogsByIssueProject = (items: readonly FakeTimelog[]) =>
  groupBy(items, (item) => item.issue?.project_id);
export const issuesByProject = (items: readonly FakeIssue[]) => groupBy(items, (item) => item.project_id);
export const issuesByProjectAndIid = (items: readonly FakeIssue[]) => byProjectAndIid(items);
export const mergeRequestsByProject = (items: readonly FakeMergeRequest[]) =>
  groupBy(items, (mr) => mr.project_id);
export const mergeRequestsByProjectAndIid = (items: readonly FakeMergeRequest[]) => byProjectAndIid(items);
export const mergeRequestsByAuthor = (items: readonly FakeMergeRequest[]) =>
  groupBy(items, (mr) => mr.author.toLowerCase());
/** An MR under each of its reviewers (once, however often one is listed). */
export const mergeRequestsByReviewer = (items: readonly FakeMergeRequest[]) =>
  groupBy(items, (mr) => (mr.reviewers ?? []).map((entry) => entry.username.toLowerCase()));

/** Per project, the first item with each iid (what a `find` on both would pick). */
function byProjectAndIid<T extends { project_id: number; iid: number }>(items: readonly T[]) {
  const byIid = new Map<number, Map<number, T>>();
  for (const [projectId, group] of groupBy(items, (item) => item.project_id))
    byIid.set(
      projectId,
      firstBy(group, (item) => item.iid),
    );
  return byIid;
}
