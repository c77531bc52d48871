import { normalizeGitLabUrl, normalizeJiraUrl } from '../../gitlab/index.ts';
import { isCodedError } from '../../lib/errors.ts';
import type { FieldErrors, SourceInput } from './source.types.ts';

/* What an admin typed into the source form, checked before anything is tested or saved. */

export const SOURCE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
const MAX_TOKEN_LENGTH = 512;

export type CheckedSourceInput = {
  ok: true;
  name: string;
  baseUrl: string;
  schemeAdded: boolean;
  token: string;
  jiraUrl: string | null;
};

/** Every field's mistake at once, in words that say what to type instead. */
export function checkSourceInput(
  input: SourceInput,
  options: { tokenRequired: boolean },
): CheckedSourceInput | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = input.name.trim();
  if (!SOURCE_NAME_PATTERN.test(name)) {
    errors.name =
      'Use 1–40 letters, digits, dots, dashes or underscores, starting with a letter or digit (no spaces), e.g. `gitlab` or `acme-gitlab`.';
  }
  let baseUrl = '';
  let schemeAdded = false;
  try {
    ({ baseUrl, schemeAdded } = normalizeGitLabUrl(input.url));
  } catch (error) {
    if (!isCodedError(error)) throw error;
    errors.url = error.userMessage;
  }
  const token = input.token.trim();
  if (token === '' && options.tokenRequired) {
    errors.token = 'Paste a GitLab personal access token with the read_api scope.';
  } else if (/\s/.test(token) || token.length > MAX_TOKEN_LENGTH) {
    errors.token = 'That does not look like a GitLab token: paste only the token, without spaces.';
  }
  let jiraUrl: string | null = null;
  if (input.jiraUrl.trim() !== '') {
    try {
      jiraUrl = normalizeJiraUrl(input.jiraUrl);
    } catch (error) {
      if (!isCodedError(error)) throw error;
      errors.jiraUrl = error.userMessage;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, name, baseUrl, schemeAdded, token, jiraUrl };
}
