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

/** A GitLab user offered while an admin types in the mapping form. */
export interface GitLabUserOption {
  username: string;
  name: string;
}

/** One proposed mapping: a Slack person and a GitLab user on a source, and why they match. */
export interface MappingProposal {
  sourceId: string;
  sourceName: string;
  slackUserId: string;
  displayName: string;
  username: string;
  gitlabName: string;
  reason: 'email' | 'name';
}

export interface SuggestionReport {
  proposals: MappingProposal[];
  /** People with several equally good GitLab users: left for the admin to map by hand. */
  ambiguous: number;
  /** People not searched because a source's search budget ran out (map them by hand, or again later). */
  notSearched: number;
  /** Sources whose GitLab could not be searched, with what to fix. */
  sourceErrors: Array<{ sourceName: string; message: string }>;
}

/** A proposal the admin ticked; `key` is the caller's name for it, used to place errors. */
export interface ConfirmedMapping {
  key: string;
  sourceId: string;
  slackUserId: string;
  username: string;
}

export type ConfirmOutcome =
  | {
      ok: true;
      saved: Array<{ slackUserId: string; sourceName: string; username: string }>;
      /** Already mapped exactly so (a replayed or repeated confirmation). */
      unchanged: number;
    }
  | { ok: false; errors: Record<string, string> };
