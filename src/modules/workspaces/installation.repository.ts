import type { MikroORM } from '@mikro-orm/postgresql';
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { CodedError } from '../../lib/errors.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { Workspace } from './workspace.entity.ts';
import { ensureWorkspace } from './workspace.repository.ts';

const sealContext = (teamId: string) => `workspace:${teamId}:bot_token`;

/**
 * Bolt's installation store for the multi-workspace OAuth install, kept in the Workspace table.
 * Only the bot token is kept (sealed like GitLab tokens); user tokens are not requested.
 * https://docs.slack.dev/tools/bolt-js/concepts/authenticating-oauth
 */
export function workspaceInstallationStore(orm: MikroORM, box: SecretBox): InstallationStore {
  return {
    async storeInstallation(installation) {
      const teamId = installation.team?.id;
      if (!teamId || !installation.bot) {
        throw new CodedError(
          'SLACK_INSTALL_UNSUPPORTED',
          'ActivityPulse installs into one workspace at a time, with a bot user.',
        );
      }
      const em = orm.em.fork();
      const workspace = await ensureWorkspace(em, teamId);
      workspace.name = installation.team?.name ?? workspace.name;
      workspace.botTokenSealed = box.seal(installation.bot.token, sealContext(teamId));
      workspace.botUserId = installation.bot.userId;
      workspace.botId = installation.bot.id;
      workspace.botScopes = installation.bot.scopes;
      workspace.installedBy = installation.user.id;
      workspace.appId = installation.appId ?? null;
      workspace.installedAt = new Date();
      workspace.uninstalledAt = null;
      if (!workspace.adminUserIds.includes(installation.user.id)) {
        workspace.adminUserIds = [...workspace.adminUserIds, installation.user.id];
      }
      await em.flush();
    },

    async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v2', false>> {
      const teamId = query.teamId;
      const workspace = teamId ? await orm.em.fork().findOne(Workspace, { id: teamId }) : null;
      if (!workspace?.botTokenSealed || !workspace.botUserId || !workspace.botId) {
        throw new CodedError(
          'SLACK_NOT_INSTALLED',
          `ActivityPulse is not installed in workspace ${teamId ?? '(unknown)'}.`,
        );
      }
      return {
        team: { id: workspace.id, ...(workspace.name ? { name: workspace.name } : {}) },
        enterprise: undefined,
        user: { id: workspace.installedBy ?? '', token: undefined, scopes: undefined },
        bot: {
          token: box.open(workspace.botTokenSealed, sealContext(workspace.id)),
          scopes: workspace.botScopes,
          id: workspace.botId,
          userId: workspace.botUserId,
        },
        tokenType: 'bot',
        isEnterpriseInstall: false,
        authVersion: 'v2',
        ...(workspace.appId ? { appId: workspace.appId } : {}),
      };
    },

    async deleteInstallation(query) {
      if (query.teamId) await forgetInstallation(orm, query.teamId);
    },
  };
}

/** The app was uninstalled or its token revoked: drop the token, keep the team's data. */
export async function forgetInstallation(orm: MikroORM, teamId: string): Promise<void> {
  const em = orm.em.fork();
  const workspace = await em.findOne(Workspace, { id: teamId });
  if (!workspace) return;
  workspace.botTokenSealed = null;
  workspace.uninstalledAt = new Date();
  await em.flush();
}

/**
 * The app is evidently installed in `teamId` again (token or Socket Mode: Slack delivered a request
 * from the team, or the configured token answered auth.test for it): clear the uninstall mark so
 * schedules and scheduled syncs resume. True when the workspace was marked uninstalled.
 */
export async function markInstalled(orm: MikroORM, teamId: string): Promise<boolean> {
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<Array<{ id: string }>>(
      `update workspace set uninstalled_at = null, installed_at = now(), updated_at = now()
        where id = ? and uninstalled_at is not null
        returning id`,
      [teamId],
    );
  return rows.length > 0;
}
