import { Activity } from './activity/activity.entity.ts';
import { DigestDelivery } from './digest/digest-delivery.entity.ts';
import { DigestSchedule } from './digest/digest-schedule.entity.ts';
import { DataSource } from './sources/data-source.entity.ts';
import { SyncCursor } from './sync/sync-cursor.entity.ts';
import { SyncRun } from './sync/sync-run.entity.ts';
import { ExternalIdentity } from './teammates/external-identity.entity.ts';
import { Teammate } from './teammates/teammate.entity.ts';
import { SeenRequest } from './workspaces/seen-request.entity.ts';
import { Workspace } from './workspaces/workspace.entity.ts';

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
  SeenRequest,
];
