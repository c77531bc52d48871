import type { WebClient } from '@slack/web-api';
import { parseUserMention } from './command-text.ts';

export interface SlackUser {
  id: string;
  /** What people see: display name, else real name, else handle. */
  displayName: string;
  /** IANA zone; null when Slack does not say. */
  timezone: string | null;
  isAdmin: boolean;
  isOwner: boolean;
}

export interface SlackMember {
  id?: string;
  name?: string;
  real_name?: string;
  tz?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_admin?: boolean;
  is_owner?: boolean;
  is_app_user?: boolean;
  /** `email` only with the users:read.email scope. */
  profile?: { display_name?: string; real_name?: string; email?: string };
}

/** Slackbot: listed as a person by users.list, never anyone's teammate. */
const SLACKBOT_ID = 'USLACKBOT';

/** People who could be teammates: not bots, apps, Slackbot or deactivated accounts. */
export function isPerson(member: SlackMember): member is SlackMember & { id: string } {
  return Boolean(
    member.id && member.id !== SLACKBOT_ID && !member.deleted && !member.is_bot && !member.is_app_user,
  );
}

/** A member as mapping suggestions read them (e-mail when the scope grants it). */
export function toMappingCandidate(member: SlackMember & { id: string }) {
  return {
    slackUserId: member.id,
    displayName: toSlackUser(member, member.id).displayName,
    realName: member.profile?.real_name || member.real_name || null,
    handle: member.name ?? null,
    email: member.profile?.email ?? null,
    timezone: member.tz ?? null,
  };
}

function toSlackUser(member: SlackMember, id: string): SlackUser {
  return {
    id,
    displayName:
      member.profile?.display_name || member.real_name || member.profile?.real_name || member.name || id,
    timezone: member.tz ?? null,
    isAdmin: member.is_admin === true,
    isOwner: member.is_owner === true,
  };
}

/** https://docs.slack.dev/reference/methods/users.info (needs users:read; `tz` is IANA). */
export async function lookupSlackUser(client: WebClient, userId: string): Promise<SlackUser> {
  const answer = await client.users.info({ user: userId });
  return toSlackUser((answer.user ?? {}) as SlackMember, userId);
}

export type UserArgument = { ok: true; userId: string } | { ok: false; message: string };

/**
 * A person named in command text: an escaped mention (`<@U123|name>`, `<@U123>`), or a bare
 * `@name` that Slack did not turn into a mention, looked up by handle, display or real name.
 */
export async function resolveUserArgument(
  members: () => Promise<SlackMember[]>,
  word: string | undefined,
): Promise<UserArgument> {
  if (!word) return { ok: false, message: 'Say who: mention them, e.g. `@alice`.' };
  const mentioned = parseUserMention(word);
  if (mentioned) return { ok: true, userId: mentioned };
  if (!word.startsWith('@') || word.length < 2) {
    return {
      ok: false,
      message: `\`${word.slice(0, 40)}\` is not a person: mention them with @, e.g. \`@alice\`.`,
    };
  }
  const wanted = word.slice(1).toLowerCase();
  const matches = (await members()).filter((member) => {
    if (member.deleted || !member.id) return false;
    return [member.name, member.profile?.display_name, member.real_name, member.profile?.real_name].some(
      (name) => name && name.toLowerCase() === wanted,
    );
  });
  if (matches.length === 1) return { ok: true, userId: matches[0]!.id! };
  if (matches.length === 0) {
    return {
      ok: false,
      message: `Nobody in this workspace is called \`@${word.slice(1, 41)}\`: check the spelling, or pick them from Slack's @ suggestions so the mention is exact.`,
    };
  }
  return {
    ok: false,
    message: `Several people match \`@${word.slice(1, 41)}\` (${matches
      .slice(0, 5)
      .map((member) => `<@${member.id}>`)
      .join(', ')}): pick the right one from Slack's @ suggestions.`,
  };
}

/**
 * https://docs.slack.dev/reference/methods/users.list — cursor-paginated, 200 a page (Slack's
 * most), at most 50 pages (10,000 people). Cached per workspace by SlackUserDirectory.
 */
export async function listMembers(client: WebClient): Promise<SlackMember[]> {
  const members: SlackMember[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page += 1) {
    const answer = await client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) });
    members.push(...((answer.members ?? []) as SlackMember[]));
    cursor = answer.response_metadata?.next_cursor || undefined;
    if (!cursor) break;
  }
  return members;
}

/** The workspace's Slack owners and admins (people, not bots or deactivated accounts), by users.list. */
export async function listSlackAdmins(client: WebClient): Promise<{ owners: string[]; admins: string[] }> {
  const people = (await listMembers(client)).filter(
    (member) => member.id && !member.deleted && !member.is_bot,
  );
  return {
    owners: people.filter((member) => member.is_owner).map((member) => member.id!),
    admins: people.filter((member) => member.is_admin && !member.is_owner).map((member) => member.id!),
  };
}
