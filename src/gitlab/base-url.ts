import { CodedError } from '../lib/errors.ts';

/**
 * What a user types as "GitLab URL" becomes one canonical base URL, so the same instance is never
 * stored twice (`gitlab.com`, `https://gitlab.com/`, `https://gitlab.com/api/v4` are one source) and
 * the API path is never doubled (`/api/v4/api/v4` answers 404).
 */
export interface NormalizedGitLabUrl {
  /** `https://host[:port][/sub-path]`, no trailing slash, no `/api/v4`. */
  baseUrl: string;
  /** `baseUrl` + `/api/v4`. */
  apiUrl: string;
  /** Lower-case host name with the port when it is not the scheme's default (`gitlab.example.com:8443`). */
  host: string;
  /** The input had no scheme and `https://` was put in front: the person should be told. */
  schemeAdded: boolean;
}

const EXAMPLE = 'such as https://gitlab.example.com';

export function normalizeGitLabUrl(input: string): NormalizedGitLabUrl {
  const url = parseHttpUrl(input, 'GITLAB_URL_INVALID', 'GitLab URL');
  const schemeAdded = !hasScheme(input.trim());
  let path = stripTrailingSlashes(url.pathname);
  while (path.toLowerCase().endsWith('/api/v4')) {
    path = stripTrailingSlashes(path.slice(0, -'/api/v4'.length));
  }
  const baseUrl = `${url.protocol}//${url.host}${path}`;
  return { baseUrl, apiUrl: `${baseUrl}/api/v4`, host: url.host, schemeAdded };
}

/** A Jira base URL, used only to build `<jira>/browse/KEY` links (no credentials ever). */
export function normalizeJiraUrl(input: string): string {
  const url = parseHttpUrl(input, 'JIRA_URL_INVALID', 'Jira URL');
  return `${url.protocol}//${url.host}${stripTrailingSlashes(url.pathname)}`;
}

function parseHttpUrl(input: string, code: string, label: string): URL {
  const trimmed = input.trim();
  const fail = (problem: string) => new CodedError(code, `The ${label} ${problem}.`);
  if (trimmed === '') throw fail(`is empty: enter the address of the server, ${EXAMPLE}`);
  if (/\s/.test(trimmed)) throw fail(`contains spaces: enter only the address, ${EXAMPLE}`);

  const url = URL.parse(hasScheme(trimmed) ? trimmed : `https://${trimmed}`);
  // The input is never echoed back: a token pasted into the wrong field must not reach Slack.
  if (!url) throw fail(`is not a web address: use one ${EXAMPLE}`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw fail(`must start with https:// (or http://), not ${url.protocol}//`);
  }
  if (url.hostname === '') throw fail(`has no server name: use an address ${EXAMPLE}`);
  if (url.username !== '' || url.password !== '') {
    throw fail(
      'must not contain a user name or password (user:password@): remove them and paste the token in the token field instead',
    );
  }
  if (url.search !== '' || trimmed.includes('?')) {
    throw fail('must not contain a query string (?…): remove everything from "?" on');
  }
  if (url.hash !== '' || trimmed.includes('#')) {
    throw fail('must not contain a fragment (#…): remove everything from "#" on');
  }
  return url;
}

function hasScheme(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

function stripTrailingSlashes(path: string): string {
  return path.replace(/\/+$/, '');
}
