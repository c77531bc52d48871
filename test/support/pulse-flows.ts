import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { sendInteraction } from './slack.ts';
import { sourceFormValues, viewSubmissionPayload } from './slack-payloads.ts';
import type { TestApp } from './test-app.ts';

/** Adds a source the way a person does (submitting the modal) and returns its id. */
export async function addSourceThroughModal(
  t: TestApp,
  options: { teamId: string; name: string; url: string; token: string; jiraUrl?: string; userId?: string },
): Promise<string> {
  const viewId = `VADD${randomBytes(4).toString('hex').toUpperCase()}`;
  const { body } = await sendInteraction(
    t.baseUrl,
    viewSubmissionPayload({
      callbackId: 'source_form',
      teamId: options.teamId,
      userId: options.userId ?? 'U0ADMIN',
      viewId,
      privateMetadata: JSON.stringify({ mode: 'add' }),
      values: sourceFormValues(options),
    }),
  );
  if (JSON.stringify(body).includes('Testing the connection')) {
    // The slow path (a short ack budget): the result arrives by views.update.
    await t.slack.waitFor(() =>
      t.slack.calls.find(
        (call) =>
          call.method === 'views.update' &&
          call.body['view_id'] === viewId &&
          JSON.stringify(call.body).includes('Source added'),
      ),
    );
  } else {
    expect(JSON.stringify(body)).toContain('Source added');
  }
  const rows = await t.app.database.orm.em
    .fork()
    .getConnection()
    .execute<Array<{ id: string }>>('select id from data_source where workspace_id = ? and name_key = ?', [
      options.teamId,
      options.name.toLowerCase(),
    ]);
  return rows[0]!.id;
}

export async function sql<T>(t: TestApp, query: string, params: unknown[] = []): Promise<T[]> {
  return t.app.database.orm.em.fork().getConnection().execute<T[]>(query, params);
}
