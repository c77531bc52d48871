import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { buildSchema, type GraphQLSchema } from 'graphql';

/**
 * GitLab's own published GraphQL schemas, vendored under test/fixtures/gitlab-schemas/ (see its
 * README for provenance). The fake GitLab executes queries against the one of its version, and
 * the validation test checks every query the app can send against each.
 */
export const VENDORED_SCHEMA_VERSIONS = ['15.8', '16.8', '18.5'] as const;
export type VendoredSchemaVersion = (typeof VENDORED_SCHEMA_VERSIONS)[number];

const FIXTURES = new URL('../../../fixtures/gitlab-schemas/', import.meta.url);
const cache = new Map<VendoredSchemaVersion, GraphQLSchema>();

export function gitlabSchema(version: VendoredSchemaVersion): GraphQLSchema {
  let schema = cache.get(version);
  if (!schema) {
    const sdl = gunzipSync(readFileSync(new URL(`${version}.graphql.gz`, FIXTURES))).toString('utf8');
    // The SDL is GitLab's own output; checking it again costs seconds and proves nothing here.
    schema = buildSchema(sdl, { assumeValidSDL: true });
    cache.set(version, schema);
  }
  return schema;
}

/** The newest vendored schema not newer than `version` (e.g. 17.11.2-ee → 16.8); the oldest below that. */
export function schemaVersionFor(version: string | undefined): VendoredSchemaVersion {
  const match = version ? /^v?(\d+)\.(\d+)/.exec(version) : null;
  const wanted = match ? Number(match[1]) * 1000 + Number(match[2]) : Number.POSITIVE_INFINITY;
  let chosen: VendoredSchemaVersion = VENDORED_SCHEMA_VERSIONS[0];
  for (const candidate of VENDORED_SCHEMA_VERSIONS) {
    const [major = 0, minor = 0] = candidate.split('.').map(Number);
    if (major * 1000 + minor <= wanted) chosen = candidate;
  }
  return chosen;
}
