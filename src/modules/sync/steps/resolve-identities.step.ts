import type { Logger } from '../../../lib/logger.ts';
import { runPool } from '../../../lib/run-pool.ts';
import type { SyncRunContext } from '../sync-run-context.ts';
import { type IdentityRow, resolveTeammate } from '../sync-teammates.ts';
import type { TeammateRef } from '../teammate-events.ts';
import { emptyReport, recordTeammateError, type StepReport } from './step-report.ts';

export interface ResolvedTeammate {
  identity: IdentityRow;
  teammate: TeammateRef;
}

/**
 * Step 1 — who each mapped teammate is on GitLab: the numeric user id, looked up (and stored) only
 * the first time. A username GitLab does not know fails that teammate alone.
 */
export async function resolveIdentities(
  context: SyncRunContext,
  identities: readonly IdentityRow[],
  logger: Logger,
): Promise<{ report: StepReport; resolved: ResolvedTeammate[] }> {
  const report = emptyReport();
  const byIdentity = new Map<string, TeammateRef>();
  await runPool(identities, context.concurrency, async (identity) => {
    if (report.stop || context.signal?.aborted) return;
    try {
      byIdentity.set(identity.identity_id, await resolveTeammate(context.em, context.client, identity));
    } catch (error) {
      recordTeammateError(report, identity, error, logger, context.dataSourceId);
      await context.teammateDone(identity);
    }
  });
  const resolved = identities.flatMap((identity) => {
    const teammate = byIdentity.get(identity.identity_id);
    return teammate ? [{ identity, teammate }] : [];
  });
  return { report, resolved };
}
