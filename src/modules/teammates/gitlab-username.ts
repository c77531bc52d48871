import type { GitLabClient } from '../../gitlab/index.ts';
import { findUserByUsername } from '../../gitlab/index.ts';
import { CodedError, isCodedError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { IDataSource } from '../sources/data-source.entity.ts';
import { hostOf } from '../sources/source-view.ts';
import type { IExternalIdentity } from './external-identity.entity.ts';
import type { IdentityView } from './teammate.types.ts';

/** GitLab usernames: letters, digits, `_`, `-`, `.`; a leading `@` is tolerated and dropped. */
const GITLAB_USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/;

/**
 * A username typed for a source, checked on that GitLab: the user it names (its canonical spelling
 * and numeric id), or a coded error that says what to fix.
 */
export async function verifyGitLabUsername(
  client: () => Promise<GitLabClient>,
  source: Pick<IDataSource, 'id' | 'name' | 'baseUrl'>,
  username: string,
  logger: Logger,
): Promise<{ username: string; id: number; name: string }> {
  const wanted = username.trim().replace(/^@/, '');
  if (!GITLAB_USERNAME.test(wanted)) {
    throw new CodedError(
      'GITLAB_USERNAME_INVALID',
      'That is not a GitLab username: use the part after @ on the GitLab profile (letters, digits, `_`, `-`, `.`).',
    );
  }
  let user: Awaited<ReturnType<typeof findUserByUsername>>;
  try {
    user = await findUserByUsername(await client(), wanted);
  } catch (error) {
    if (!isCodedError(error)) throw error;
    logger.warn({ sourceId: source.id, code: error.code, err: error }, 'GitLab username check failed');
    throw new CodedError(
      error.code,
      `Could not check the username on \`${source.name}\`: ${error.userMessage}`,
      { cause: error },
    );
  }
  if (!user) {
    throw new CodedError(
      'GITLAB_USER_NOT_FOUND',
      `There is no GitLab user \`${wanted}\` on ${hostOf(source.baseUrl)} (source \`${source.name}\`): check the spelling; it is the name after @ on their GitLab profile.`,
    );
  }
  return { username: user.username, id: user.id, name: user.name };
}

export function identityView(identity: IExternalIdentity): IdentityView {
  return {
    sourceId: identity.dataSource.id,
    sourceName: identity.dataSource.name,
    username: identity.username,
    gitlabUserId: identity.externalUserId ?? null,
  };
}
