import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { eventually } from '../support/eventually.ts';
import { onePushScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { type RecordedSlackCall, startFakeSlackServer } from '../support/fake-slack-server.ts';
import { COMMAND_RESPOND_PREFIX, SIGNING_SECRET, sign } from '../support/slack.ts';
import { sourceFormValues, viewSubmissionPayload } from '../support/slack-payloads.ts';

/**
 * The product as Slack and GitLab see it: `node src/main.ts` in its own process, configured only by
 * the environment, Slack's Web API and response_url on a loopback HTTP server, a fake GitLab on
 * 127.0.0.1 (allowed by GITLAB_ALLOWED_HOSTS), and signed requests on POST /slack/events.
 */
const MAIN = path.resolve(import.meta.dirname, '../../src/main.ts');
const TEAM = 'T0E2E';
const ADMIN = 'U0ADMIN';

/**
 * The same journey against an old self-managed GitLab (15.3: the 15.8 GraphQL schema, no
 * Pipeline.source, 401 on /personal_access_tokens/self) and a current one (18.5).
 */
describe.each([
  { label: 'an old GitLab (15.3)', version: '15.3.2-ee' },
  { label: 'a current GitLab (18.5)', version: '18.5.1-ee' },
])('ActivityPulse from the outside, on $label', ({ version }) => {
  let db: TestDatabase;
  let gitlab: FakeGitLab;
  let slack: Awaited<ReturnType<typeof startFakeSlackServer>>;
  let child: ChildProcess;
  let output = '';
  let baseUrl = '';

  const command = async (text: string) => {
    // A slash command's response_url: the fake refuses replace_original on it, as Slack documents.
    const respondId = `${COMMAND_RESPOND_PREFIX}${randomBytes(6).toString('hex')}`;
    const body = new URLSearchParams({
      team_id: TEAM,
      team_domain: 'e2e',
      channel_id: 'C0E2E',
      user_id: ADMIN,
      command: '/pulse',
      text,
      api_app_id: 'A0PULSE',
      response_url: `${slack.url}/respond/${respondId}`,
      trigger_id: `trigger-${respondId}`,
    }).toString();
    const response = await post(body, 'application/x-www-form-urlencoded');
    return {
      response,
      respondId,
      replies: () => slack.calls.filter((call) => call.method === `respond:${respondId}`),
    };
  };
  const post = async (body: string, contentType: string) => {
    const timestamp = Math.floor(Date.now() / 1000);
    return fetch(`${baseUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': sign(body, timestamp),
      },
      body,
    });
  };
  const lastReplyText = (calls: RecordedSlackCall[]) => JSON.stringify(calls.at(-1)?.body ?? {});

  beforeAll(async () => {
    const scenario = onePushScenario({
      message: 'PAY-42 Settle invoices nightly',
      additions: 30,
      deletions: 4,
    });
    const at = new Date(Date.now() - 2 * 86_400_000 + 60_000).toISOString();
    // The push ran a pipeline, which failed: read through GraphQL in the version's own schema.
    scenario.pipelines = [
      {
        project_id: 7,
        id: 901,
        iid: 91,
        status: 'failed',
        ref: 'main',
        sha: '1'.padStart(40, '0'),
        username: 'ada',
        created_at: at,
        updated_at: at,
        started_at: at,
        finished_at: at,
        duration: 95,
      },
    ];
    gitlab = await createFakeGitLab({ ...scenario, version: { version, revision: 'e2e' } }, { latencyMs: 5 });
    slack = await startFakeSlackServer({ admins: [ADMIN] });
    db = await createTestDatabase();
    child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env['PATH'] ?? '',
        DATABASE_URL: db.url,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: 'xoxb-e2e-bot-token',
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
        GITLAB_ALLOWED_HOSTS: '127.0.0.1',
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const port = await eventually(() => {
      const line = output.split('\n').find((text) => text.includes('ActivityPulse is listening'));
      return line ? (JSON.parse(line) as { port: number }).port : undefined;
    }, 60_000);
    baseUrl = `http://127.0.0.1:${port}`;
  }, 120_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await slack?.close();
    await gitlab?.close();
    await db?.drop();
  });

  it('adds a source in the modal, maps a teammate, fetches, and answers /pulse activity — and no token leaves the server', async () => {
    const add = await command('source add');
    expect(add.response.status).toBe(200);
    // The modal opens at once on the trigger and may be filled by a views.update.
    await eventually(() => slack.calls.find((call) => call.method === 'views.open'));
    const filled = await eventually(() =>
      slack.calls.find(
        (call) => call.method.startsWith('views.') && JSON.stringify(call.body).includes('source_token'),
      ),
    );
    const modal = JSON.stringify(filled.body);
    for (const blockId of Object.keys(sourceFormValues({})))
      expect(modal).toContain(`"block_id":"${blockId}"`);

    const submit = await post(
      new URLSearchParams({
        payload: JSON.stringify(
          viewSubmissionPayload({
            callbackId: 'source_form',
            teamId: TEAM,
            userId: ADMIN,
            privateMetadata: JSON.stringify({ mode: 'add' }),
            values: sourceFormValues({
              name: 'gitlab',
              url: gitlab.url,
              token: TOKENS.ada,
              jiraUrl: 'https://acme.atlassian.net',
            }),
          }),
        ),
      }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(submit.status).toBe(200);
    const submitted = await submit.text();
    if (!submitted.includes('Source added')) {
      await eventually(() =>
        slack.calls.find(
          (call) => call.method === 'views.update' && JSON.stringify(call.body).includes('Source added'),
        ),
      );
    }

    const map = await command('map <@U0ALICE|alice> ada');
    await eventually(() => map.replies()[0]);
    expect(lastReplyText(map.replies())).toMatch(/ada/);

    const fetchRun = await command('fetch gitlab 7d');
    // Progress and the summary: one DM, updated in place; the command's reply points there.
    const finished = await eventually(
      () =>
        slack.calls.find(
          (call) => call.method === 'chat.update' && /Fetch finished/.test(String(call.body['text'])),
        ),
      30_000,
    );
    expect(finished.body['channel']).toBe(`D${ADMIN}`);
    expect(lastReplyText(fetchRun.replies())).toMatch(/direct messages/);
    expect(String(finished.body['text'])).toMatch(/succeeded|partial/);

    const activity = await command('activity <@U0ALICE> gitlab 7d');
    const answer = await eventually(() =>
      activity.replies().find((call) => /Settle invoices/.test(JSON.stringify(call.body))),
    );
    const text = JSON.stringify(answer.body);
    expect(text).toMatch(/\+30/);
    expect(text).toContain('https://acme.atlassian.net/browse/PAY-42');
    expect(text).toMatch(/pipeline[^"]*failed|failed[^"]*pipeline/i);

    const everything = slack.calls.map((call) => call.raw).join('\n');
    expect(everything).not.toContain(TOKENS.ada);
    expect(output).not.toContain(TOKENS.ada);
    expect(output).not.toContain('xoxb-e2e-bot-token');
  }, 90_000);
});
