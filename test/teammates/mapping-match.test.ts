import { describe, expect, it } from 'vitest';
import {
  findMatch,
  type GitLabCandidate,
  handleKey,
  nameSearchTerms,
  normaliseName,
  type SlackCandidate,
  sameEmail,
  sameName,
} from '../../src/modules/teammates/mapping-match.ts';

const person = (overrides: Partial<SlackCandidate> = {}): SlackCandidate => ({
  slackUserId: 'U1',
  displayName: 'Ada',
  realName: 'Ada Lovelace',
  handle: 'ada.lovelace',
  email: null,
  timezone: null,
  ...overrides,
});

describe('who is probably whom', () => {
  it('compares names without case, accents, punctuation or extra spaces', () => {
    expect(normaliseName("  José  O'Neil ")).toBe('jose o neil');
    expect(handleKey('Ada_Lovelace')).toBe(handleKey('ada.lovelace'));
  });

  it('matches a full name of two words or more, or the same handle, never a lone first name', () => {
    expect(sameName(person(), { username: 'alove', name: 'ADA LOVELACE' })).toBe(true);
    expect(sameName(person(), { username: 'Ada_Lovelace', name: 'Someone' })).toBe(true);
    expect(
      sameName(person({ realName: 'Sam', displayName: 'Sam', handle: 'sam1' }), {
        username: 'x',
        name: 'Sam',
      }),
    ).toBe(false);
    expect(sameName(person(), { username: 'ada', name: 'Ada Byron' })).toBe(false);
  });

  it('takes an e-mail hit when GitLab shows no e-mail, and checks it when GitLab shows one', () => {
    const user: GitLabCandidate = { username: 'ada', name: 'Ada' };
    expect(sameEmail('ada@example.test', user)).toBe(true);
    expect(sameEmail('Ada@Example.test', { ...user, public_email: 'ada@example.test' })).toBe(true);
    expect(sameEmail('ada@example.test', { ...user, email: 'other@example.test' })).toBe(false);
  });

  it('searches the e-mail first, then the name, and leaves two equal name matches to the admin', async () => {
    const terms: string[] = [];
    const answers: Record<string, GitLabCandidate[]> = {
      'ada@example.test': [{ username: 'ada', name: 'Ada Example' }],
      'ada lovelace': [
        { username: 'al1', name: 'Ada Lovelace' },
        { username: 'al2', name: 'Ada Lovelace' },
      ],
    };
    const search = async (term: string) => {
      terms.push(term);
      return answers[term] ?? [];
    };
    expect(await findMatch(person({ email: 'ada@example.test' }), search)).toEqual({
      user: answers['ada@example.test']![0],
      reason: 'email',
    });
    expect(await findMatch(person(), search)).toBe('ambiguous');
    expect(await findMatch(person(), async () => undefined)).toBe('not-searched');
    expect(terms).toEqual(['ada@example.test', 'ada lovelace']);
    expect(nameSearchTerms(person({ realName: 'Al', handle: 'al' }))).toEqual([]);
  });
});
