/** Teammates and their GitLab identities as the rest of the app sees them. */

export interface SlackPerson {
  slackUserId: string;
  displayName?: string | null;
  timezone?: string | null;
}

export interface IdentityView {
  sourceId: string;
  sourceName: string;
  username: string;
  gitlabUserId: number | null;
}

export interface TeammateView {
  slackUserId: string;
  displayName: string | null;
  timezone: string | null;
  identities: IdentityView[];
}

export interface MappingResult {
  slackUserId: string;
  sourceId: string;
  sourceName: string;
  host: string;
  username: string;
  gitlabUserId: number;
  gitlabName: string;
  previousUsername: string | null;
}

export type SetMappingsOutcome =
  | { ok: true; changed: Array<{ sourceName: string; username: string | null }> }
  | { ok: false; errors: Record<string, string> };
