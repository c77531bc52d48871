import type { Orm } from '../../db/orm.ts';
import { ensureWorkspace } from './workspace.repository.ts';

/**
 * Who may change sources, mappings and digests: Slack workspace admins and owners (the caller says
 * so, from `users.info`), or anyone the workspace's own admin list names.
 */
export class WorkspacesService {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  async canManage(input: { teamId: string; userId: string; slackAdmin: boolean }): Promise<boolean> {
    if (input.slackAdmin) return true;
    const workspace = await ensureWorkspace(this.#orm.em.fork(), input.teamId);
    return workspace.adminUserIds.includes(input.userId);
  }

  /** The Slack users on the workspace's own admin list (beside Slack's admins and owners). */
  async adminList(teamId: string): Promise<string[]> {
    const workspace = await ensureWorkspace(this.#orm.em.fork(), teamId);
    return [...workspace.adminUserIds];
  }

  /** The zone used when a Slack user has none (bots, or `users.info` failed). */
  async defaultTimezone(teamId: string): Promise<string> {
    const workspace = await ensureWorkspace(this.#orm.em.fork(), teamId);
    return workspace.defaultTimezone;
  }
}
