import type { EntityManager } from '@mikro-orm/postgresql';
import { type IWorkspace, Workspace } from './workspace.entity.ts';

/** Workspaces appear on first contact: the first command from a team creates its row. */
export async function ensureWorkspace(em: EntityManager, teamId: string): Promise<IWorkspace> {
  await em
    .createQueryBuilder(Workspace)
    .insert({ id: teamId, createdAt: new Date(), updatedAt: new Date() })
    .onConflict('id')
    .ignore()
    .execute();
  return em.findOneOrFail(Workspace, { id: teamId });
}
