/**
 * Who on Slack is probably whom on GitLab: pure comparisons, so the rules are tested line by line.
 * A match is a proposal an admin confirms, never a mapping by itself.
 */

/** A Slack person as users.list describes them, reduced to what matching reads. */
export interface SlackCandidate {
  slackUserId: string;
  /** What people see in Slack (display name, else real name, else handle). */
  displayName: string;
  realName: string | null;
  /** The `name` handle. */
  handle: string | null;
  /** Profile e-mail; Slack sends it only with the `users:read.email` scope. */
  email: string | null;
  timezone: string | null;
}

export type MatchReason = 'email' | 'name';

/** A GitLab user as a search answers (e-mail fields only for admins or on some versions). */
export interface GitLabCandidate {
  username: string;
  name: string;
  public_email?: string | null | undefined;
  email?: string | null | undefined;
}

/** Full names compared without case, accents, punctuation or extra spaces: "José  O'Neil" = "jose o neil". */
export function normaliseName(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Handles and usernames compared without case or separators: "ada.lovelace" = "Ada_Lovelace". */
export function handleKey(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * An e-mail search hit is a match when GitLab showed no e-mail (a non-admin search matches the
 * public e-mail exactly, and the term has an @ no name or username holds) or showed the same one.
 */
export function sameEmail(email: string, user: GitLabCandidate): boolean {
  const shown = [user.public_email, user.email].filter((value): value is string => Boolean(value));
  if (shown.length === 0) return true;
  return shown.some((value) => value.trim().toLowerCase() === email.trim().toLowerCase());
}

/** Same full name (at least two words, so "Sam" alone proposes nobody), or Slack handle = GitLab username. */
export function sameName(person: SlackCandidate, user: GitLabCandidate): boolean {
  const gitlabName = normaliseName(user.name);
  const names = [person.realName, person.displayName].filter((name): name is string => Boolean(name));
  if (names.some((name) => normaliseName(name) === gitlabName && gitlabName.includes(' '))) return true;
  const key = handleKey(user.username);
  return key.length >= 3 && person.handle !== null && handleKey(person.handle) === key;
}

/** The search terms worth sending for a person's name, most telling first, without repeats. */
export function nameSearchTerms(person: SlackCandidate): string[] {
  const terms = [person.realName, person.handle]
    .map((term) => term?.trim() ?? '')
    .filter((term) => term.length >= 3);
  return [...new Set(terms.map((term) => term.toLowerCase()))];
}

export type UserSearch = (term: string, perPage: number) => Promise<GitLabCandidate[] | undefined>;

/** The e-mail first (one exact hit), then the name; undefined when nothing matches. */
export async function findMatch(
  person: SlackCandidate,
  search: UserSearch,
): Promise<{ user: GitLabCandidate; reason: 'email' | 'name' } | 'ambiguous' | 'not-searched' | undefined> {
  if (person.email) {
    const hits = await search(person.email, 5);
    if (!hits) return 'not-searched';
    const same = hits.filter((user) => sameEmail(person.email!, user));
    if (same.length === 1) return { user: same[0]!, reason: 'email' };
  }
  for (const term of nameSearchTerms(person)) {
    const hits = await search(term, 20);
    if (!hits) return 'not-searched';
    const same = hits.filter((user) => sameName(person, user));
    if (same.length === 1) return { user: same[0]!, reason: 'name' };
    if (same.length > 1) return 'ambiguous';
  }
  return undefined;
}
