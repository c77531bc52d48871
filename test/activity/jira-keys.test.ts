import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jiraKeysFrom,
  jiraKeysInBranch,
  jiraKeysInText,
  jiraLink,
} from '../../src/modules/activity/jira-keys.ts';

const projectKey = fc
  .tuple(
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    fc.array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'), { minLength: 1, maxLength: 8 }),
  )
  .map(([head, tail]) => `${head}${tail.join('')}`)
  .filter((key) => key !== 'CVE');
const issueKey = fc.tuple(projectKey, fc.integer({ min: 1, max: 999_999 })).map(([key, n]) => `${key}-${n}`);
const separator = fc.constantFrom(' ', '/', '_', '-', '(', ')', '[', ']', ':', ',', '.', '\n', '#');
const filler = fc.stringMatching(/^[a-z ]{0,12}$/);

describe('Jira keys', () => {
  it('finds keys in branch names and commit messages as GITLAB.md describes', () => {
    expect(jiraKeysInBranch('feature/ABC-123-add-login')).toEqual(['ABC-123']);
    expect(jiraKeysInBranch('feature/abc-123-add-login')).toEqual(['ABC-123']);
    expect(jiraKeysInText('ABC-123_fix the login')).toEqual(['ABC-123']);
    expect(jiraKeysInText('MY_PROJ-5 done')).toEqual(['MY_PROJ-5']);
    expect(jiraKeysInBranch('fix_abc-12-crash')).toEqual(['ABC-12']);
    expect(jiraKeysInText('Fix PAY-7 and PAY-8, see [CORE-1]')).toEqual(['PAY-7', 'PAY-8', 'CORE-1']);
    expect(jiraKeysInText('Bump to utf-8 and ABC-12x')).toEqual([]);
    expect(jiraKeysInText('xABC-1 ABC-1x')).toEqual([]);
  });

  it('never takes a CVE id for a key', () => {
    expect(jiraKeysInText('Patch CVE-2024-3094 (SEC-9)')).toEqual(['SEC-9']);
    expect(jiraKeysInBranch('fix/cve-2021-44228')).toEqual([]);
  });

  it('merges branch and text keys without duplicates, branch first', () => {
    expect(jiraKeysFrom({ branches: ['feature/abc-1-x', null], texts: ['ABC-1: login', 'DEF-2'] })).toEqual([
      'ABC-1',
      'DEF-2',
    ]);
  });

  it('links keys to the Jira browse page', () => {
    expect(jiraLink('https://acme.atlassian.net/', 'ABC-1')).toBe('https://acme.atlassian.net/browse/ABC-1');
  });

  it('finds any key surrounded by separators, in text and (any case) in branches', () => {
    fc.assert(
      fc.property(filler, separator, issueKey, separator, filler, (before, left, key, right, after) => {
        const text = `${before}${left}${key}${right}${after}`;
        expect(jiraKeysInText(text)).toContain(key);
        // Branches use `_` as a word separator, so only keys without it are expected there.
        if (!key.includes('_')) expect(jiraKeysInBranch(text.toLowerCase())).toContain(key);
      }),
    );
  });

  it('finds nothing glued to letters or digits', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('a', 'Z', '7'),
        issueKey,
        fc.constantFrom('a', 'Z', '7'),
        (left, key, right) => {
          expect(jiraKeysInText(`${left}${key}`)).not.toContain(key);
          expect(jiraKeysInText(`${key}${right}`)).not.toContain(key);
        },
      ),
    );
  });

  it('returns only upper-case, well-formed, distinct keys whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        for (const keys of [jiraKeysInText(text), jiraKeysInBranch(text)]) {
          expect(new Set(keys).size).toBe(keys.length);
          for (const key of keys) {
            expect(key).toMatch(/^[A-Z][A-Z0-9_]+-\d+$/);
            expect(key).not.toMatch(/^CVE-\d+$/);
          }
        }
      }),
    );
  });
});
