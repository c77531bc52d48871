import { Activity } from '../modules/activity/activity.entity.ts';
import { DigestDelivery } from '../modules/digest/digest-delivery.entity.ts';
import { DigestSchedule } from '../modules/digest/digest-schedule.entity.ts';
import { DataSource } from '../modules/sources/data-source.entity.ts';
import { SyncCursor } from '../modules/sync/sync-cursor.entity.ts';
import { SyncRun } from '../modules/sync/sync-run.entity.ts';
import { ExternalIdentity } from '../modules/teammates/external-identity.entity.ts';
import { Teammate } from '../modules/teammates/teammate.entity.ts';
import { Workspace } from '../modules/workspaces/workspace.entity.ts';

/** Every entity, registered explicitly: no folder discovery, nothing to build. */
export const entities = [
  Workspace,
  DataSource,
  Teammate,
  ExternalIdentity,
  Activity,
  SyncCursor,
  SyncRun,
  DigestSchedule,
  DigestDelivery,
];
