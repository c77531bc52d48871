import type { EntityManager } from '@mikro-orm/postgresql';

/** A teammate as a sync of one source sees them: who on Slack, which GitLab user. */
export interface IdentityRow {
  identity_id: string;
  teammate_id: string;
  slack_user_id: string;
  username: string;
  external_user_id: string | number | null;
}

/** Everyone mapped on a source, in a stable order (the order progress is reported in). */
export async function loadSyncIdentities(em: EntityManager, dataSourceId: string): Promise<IdentityRow[]> {
  return em.execute<IdentityRow[]>(
    `select ei.id as identity_id, t.id as teammate_id, t.slack_user_id, ei.username, ei.external_user_id
     from external_identity ei join teammate t on t.id = ei.teammate_id
     where ei.data_source_id = ? order by t.slack_user_id`,
    [dataSourceId],
  );
}

/** The GitLab user id behind a username, kept so later syncs need no look-up. */
export async function rememberExternalUserId(
  em: EntityManager,
  identityId: string,
  userId: number,
): Promise<void> {
  await em.execute('update external_identity set external_user_id = ?, updated_at = now() where id = ?', [
    userId,
    identityId,
  ]);
}
