import { describe, expect, it } from 'vitest';
import { normalizeGitLabUrl, normalizeJiraUrl } from '../../src/gitlab/base-url.ts';

describe('normalizeGitLabUrl', () => {
  it.each([
    ['gitlab.com', 'https://gitlab.com', 'gitlab.com'],
    ['  gitlab.com  ', 'https://gitlab.com', 'gitlab.com'],
    ['https://gitlab.com/', 'https://gitlab.com', 'gitlab.com'],
    ['https://gitlab.com///', 'https://gitlab.com', 'gitlab.com'],
    ['https://gitlab.com/api/v4', 'https://gitlab.com', 'gitlab.com'],
    ['https://gitlab.com/api/v4/', 'https://gitlab.com', 'gitlab.com'],
    ['https://gitlab.com/api/v4/api/v4', 'https://gitlab.com', 'gitlab.com'],
    ['https://GitLab.Example.COM/Group', 'https://gitlab.example.com/Group', 'gitlab.example.com'],
    ['https://example.test/gitlab', 'https://example.test/gitlab', 'example.test'],
    ['https://example.test/gitlab/api/v4/', 'https://example.test/gitlab', 'example.test'],
    ['example.test:8443/gitlab', 'https://example.test:8443/gitlab', 'example.test:8443'],
    ['http://gitlab.internal:8080', 'http://gitlab.internal:8080', 'gitlab.internal:8080'],
    ['https://gitlab.com:443', 'https://gitlab.com', 'gitlab.com'],
    ['http://[fd00::1]:8080/', 'http://[fd00::1]:8080', '[fd00::1]:8080'],
    ['HTTPS://gitlab.com', 'https://gitlab.com', 'gitlab.com'],
  ])('%s → %s', (input, baseUrl, host) => {
    expect(normalizeGitLabUrl(input)).toMatchObject({ baseUrl, apiUrl: `${baseUrl}/api/v4`, host });
  });

  it('says when it put https:// in front of an address typed without a scheme', () => {
    expect(normalizeGitLabUrl(' gitlab.example.com ').schemeAdded).toBe(true);
    expect(normalizeGitLabUrl('example.test:8443/gitlab').schemeAdded).toBe(true);
    expect(normalizeGitLabUrl('https://gitlab.example.com').schemeAdded).toBe(false);
    expect(normalizeGitLabUrl('http://gitlab.internal:8080').schemeAdded).toBe(false);
  });

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['ftp://gitlab.com', 'must start with https://'],
    ['file:///etc/passwd', 'must start with https://'],
    ['https://user:secret@gitlab.com', 'must not contain a user name or password'],
    ['https://glpat-abcdefgh12345678@gitlab.com', 'must not contain a user name or password'],
    ['https://gitlab.com/?private_token=abc', 'must not contain a query string'],
    ['https://gitlab.com/?', 'must not contain a query string'],
    ['https://gitlab.com/#token=abc', 'must not contain a fragment'],
    ['https://git lab.com', 'contains spaces'],
    ['https://', 'is not a web address'],
    ['http://exa mple', 'contains spaces'],
  ])('rejects %j: the message says what to fix', (input, problem) => {
    let caught: unknown;
    try {
      normalizeGitLabUrl(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'GITLAB_URL_INVALID' });
    const { userMessage } = caught as { userMessage: string };
    expect(userMessage).toContain(problem);
    // The input is never echoed: it may hold a password or token.
    expect(userMessage).not.toMatch(/secret|abc|glpat/);
  });
});

describe('normalizeJiraUrl', () => {
  it.each([
    ['acme.atlassian.net', 'https://acme.atlassian.net'],
    ['https://acme.atlassian.net/', 'https://acme.atlassian.net'],
    ['https://jira.example.test/jira//', 'https://jira.example.test/jira'],
    ['http://jira.internal:8080', 'http://jira.internal:8080'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeJiraUrl(input)).toBe(expected);
  });

  it.each([
    'javascript:alert(1)',
    'ftp://jira.example.test',
    'https://jira.example.test/?a=1',
    'https://u:p@jira.test',
  ])('rejects %s', (input) => {
    expect(() => normalizeJiraUrl(input)).toThrow(expect.objectContaining({ code: 'JIRA_URL_INVALID' }));
  });
});
