/**
 * What the GraphQL schema of a GitLab version offers that our queries use. GitLab answers a query
 * naming a field it does not know with an error for the WHOLE query, so fields are chosen from the
 * server's version (`GET /api/v4/version`) before sending, never found out by failing. Facts come
 * from GitLab's published schemas (test/fixtures/gitlab-schemas/, validated in
 * test/gitlab/graphql-queries-validate.test.ts).
 */
export interface GraphqlFeatures {
  /** `Pipeline.source`: GitLab 16.8 and later (absent from 16.3 and 15.8). */
  pipelineSource: boolean;
}

export interface GitLabVersionNumber {
  major: number;
  minor: number;
}

/** The newest GitLab: what a current gitlab.com answers. */
export const CURRENT_FEATURES: GraphqlFeatures = { pipelineSource: true };

/** The oldest GitLab whose GraphQL has every field a sync reads; Test Connection refuses older ones. */
export const MINIMUM_GITLAB: GitLabVersionNumber = { major: 15, minor: 0 };

/** Nothing optional: what every GitLab from 15.0 on accepts (used while the version is unknown). */
export const BASELINE_FEATURES: GraphqlFeatures = { pipelineSource: false };

/** `16.8.1-ee`, `18.5.0-pre`, `v17.0.0` → {major, minor}; undefined when unreadable. */
export function parseGitLabVersion(text: string | null | undefined): GitLabVersionNumber | undefined {
  const match = text ? /^v?(\d+)\.(\d+)/.exec(text.trim()) : null;
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]) };
}

function atLeast(version: GitLabVersionNumber, major: number, minor: number): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}

/** Features of the GitLab that reported `version`; the baseline when it is unknown. */
export function graphqlFeaturesFor(version: string | null | undefined): GraphqlFeatures {
  const parsed = parseGitLabVersion(version);
  if (!parsed) return BASELINE_FEATURES;
  return { pipelineSource: atLeast(parsed, 16, 8) };
}
