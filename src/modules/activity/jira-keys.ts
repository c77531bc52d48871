/**
 * Jira issue keys mentioned in GitLab text (GITLAB.md "Jira keys"). A key is a project key (a
 * capital letter, then capitals, digits or `_`) and a number, standing on its own: the characters
 * around it are not letters or digits (`_` and `/` count as separators, so `feature/ABC-1-x` and
 * `ABC-1_fix` both match). `CVE-2024-1234` is a vulnerability id, not a Jira key. Branch names are
 * matched in any case and upper-cased; there `_` always separates words (`fix_abc-1` → `ABC-1`).
 */
const KEY_IN_TEXT = /(?<![A-Za-z0-9])([A-Z][A-Z0-9_]+-\d+)(?![A-Za-z0-9])/g;
// In a branch `_` separates words (`fix_abc-12`), so it is not part of a key there.
const KEY_IN_BRANCH = /(?<![A-Za-z0-9])([A-Z][A-Z0-9]+-\d+)(?![A-Za-z0-9])/gi;
const CVE_TEXT = /(?<![A-Za-z0-9])CVE-\d+-\d+/g;
const CVE_BRANCH = /(?<![A-Za-z0-9])CVE-\d+-\d+/gi;

function collect(text: string, pattern: RegExp, cve: RegExp, into: string[]): void {
  // Blank CVE ids out first so neither `CVE-2024` nor a key glued after them is taken (most
  // texts have none: no copy of them is made then).
  const cleaned = /CVE-/i.test(text) ? text.replace(cve, (match) => ' '.repeat(match.length)) : text;
  for (const match of cleaned.matchAll(pattern)) {
    const key = (match[1] ?? '').toUpperCase();
    if (key && !into.includes(key)) into.push(key);
  }
}

/** Keys in free text (commit messages, MR titles): upper case only, to avoid `utf-8` and friends. */
export function jiraKeysInText(text: string | null | undefined): string[] {
  const keys: string[] = [];
  if (text) collect(text, KEY_IN_TEXT, CVE_TEXT, keys);
  return keys;
}

/** Keys in a branch name: branches are often lower case (`feature/abc-123-login`), so any case, upper-cased. */
export function jiraKeysInBranch(branch: string | null | undefined): string[] {
  const keys: string[] = [];
  if (branch) collect(branch.replace(/^refs\/heads\//, ''), KEY_IN_BRANCH, CVE_BRANCH, keys);
  return keys;
}

/** Distinct keys from branch names and texts, in order of first appearance. */
export function jiraKeysFrom(sources: {
  branches?: Array<string | null | undefined>;
  texts?: Array<string | null | undefined>;
}): string[] {
  const keys: string[] = [];
  for (const branch of sources.branches ?? []) {
    for (const key of jiraKeysInBranch(branch)) if (!keys.includes(key)) keys.push(key);
  }
  for (const text of sources.texts ?? []) {
    for (const key of jiraKeysInText(text)) if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

/** `<jira-url>/browse/<KEY>`; no Jira credentials needed. Presenters build links with this. */
export function jiraLink(jiraUrl: string, key: string): string {
  return `${jiraUrl.replace(/\/+$/, '')}/browse/${encodeURIComponent(key)}`;
}
