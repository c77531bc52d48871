import { describe, expect, it } from 'vitest';
import { CodedError } from '../../src/lib/errors.ts';
import { createLogger } from '../../src/lib/logger.ts';
import type { SyncEngine, SyncRequest, SyncResult } from '../../src/modules/sync/sync.types.ts';
import { runFetch } from '../../src/slack/flows/fetch.flow.ts';
import { finalAnswerSink, type MessageSink } from '../../src/slack/flows/message-sink.ts';
import { withinBudget } from '../../src/slack/flows/within-budget.ts';
import type { SlackMessage } from '../../src/slack/ui/blocks.ts';

/**
 * The fetch flow against the SyncEngine contract only: a scripted engine reports progress as a
 * real one would, so throttling, the busy answer and failures are exact.
 */
function scriptedEngine(options: {
  running?: boolean;
  teammates?: number;
  fail?: Error;
}): SyncEngine & { requests: SyncRequest[] } {
  const requests: SyncRequest[] = [];
  return {
    requests,
    async isRunning() {
      return options.running ?? false;
    },
    async sync(request) {
      requests.push(request);
      const total = options.teammates ?? 3;
      for (let done = 1; done <= total; done += 1) {
        await request.onProgress?.({
          dataSourceId: 's1',
          dataSourceName: 'gitlab',
          teammatesDone: done,
          teammatesTotal: total,
          lastSlackUserId: `U${done}`,
        });
      }
      if (options.fail) throw options.fail;
      const result: SyncResult = {
        sources: [
          {
            syncRunId: 'r1',
            dataSourceId: 's1',
            dataSourceName: 'gitlab',
            status: 'succeeded',
            counts: { U1: { commit_pushed: 2 } },
            apiCalls: 7,
            retries: 0,
            durationMs: 1200,
            failures: [],
            notes: [],
          },
        ],
      };
      return result;
    },
  };
}

function recordingSink(): MessageSink & { posts: SlackMessage[]; updates: SlackMessage[] } {
  const posts: SlackMessage[] = [];
  const updates: SlackMessage[] = [];
  return {
    posts,
    updates,
    async post(message) {
      posts.push(message);
    },
    async update(message) {
      updates.push(message);
    },
  };
}

const logger = createLogger({ level: 'silent' });

describe('the fetch flow', () => {
  it('posts once, updates progress at most once per interval, and ends with the summary', async () => {
    const engine = scriptedEngine({ teammates: 6 });
    const sink = recordingSink();
    let clock = 0;
    await runFetch({
      engine,
      request: { workspaceId: 'T1', trigger: 'command', requestedBy: 'U0' },
      sourceName: undefined,
      timeZone: 'UTC',
      sink,
      logger,
      progressIntervalMs: 1000,
      clock: () => {
        clock += 400;
        return clock;
      },
    });
    expect(sink.posts.map((message) => message.text)).toEqual([
      'Fetching GitLab activity from every source since the last sync…',
    ]);
    const progress = sink.updates.filter((message) => message.text.startsWith('Fetching GitLab activity:'));
    expect(progress.map((message) => message.text)).toEqual([
      'Fetching GitLab activity: gitlab 1/6',
      'Fetching GitLab activity: gitlab 4/6',
    ]);
    expect(sink.updates.at(-1)?.text).toBe('Fetch finished: gitlab succeeded');
    expect(engine.requests[0]).toMatchObject({ workspaceId: 'T1', trigger: 'command', requestedBy: 'U0' });
  });

  it('does not start a second fetch while one runs', async () => {
    const engine = scriptedEngine({ running: true });
    const sink = recordingSink();
    await runFetch({
      engine,
      request: { workspaceId: 'T1', dataSourceId: 's1', trigger: 'command' },
      sourceName: 'gitlab',
      timeZone: 'UTC',
      sink,
      logger,
    });
    expect(engine.requests).toHaveLength(0);
    expect(sink.posts[0]?.text).toContain('A fetch for gitlab is already running');
  });

  it('ends with the reason when the sync fails', async () => {
    const sink = recordingSink();
    await runFetch({
      engine: scriptedEngine({
        teammates: 1,
        fail: new CodedError('SYNC_BROKEN', 'GitLab was unreachable.'),
      }),
      request: { workspaceId: 'T1', trigger: 'button' },
      sourceName: 'gitlab',
      timeZone: 'UTC',
      sink,
      logger,
    });
    expect(sink.updates.at(-1)?.text).toBe('The fetch failed: GitLab was unreachable.');
  });

  it('keeps going when a progress update cannot be delivered', async () => {
    const sink = recordingSink();
    const flaky: MessageSink = {
      post: (message) => sink.post(message),
      update: async (message, options) => {
        if (!options?.final) throw new Error('Slack said no');
        await sink.update(message);
      },
    };
    await runFetch({
      engine: scriptedEngine({ teammates: 2 }),
      request: { workspaceId: 'T1', trigger: 'command' },
      sourceName: undefined,
      timeZone: 'UTC',
      sink: flaky,
      logger,
      progressIntervalMs: 0,
    });
    expect(sink.updates.map((message) => message.text)).toEqual(['Fetch finished: gitlab succeeded']);
  });
});

describe('the final-answer sink', () => {
  it("uses a slash command's response_url once, for the final message, and never replaces", async () => {
    const sent: Array<Record<string, unknown>> = [];
    const sink = finalAnswerSink(async (message) => {
      sent.push(message as Record<string, unknown>);
      return {} as never;
    });
    const message = (text: string): SlackMessage => ({ text, blocks: [] });
    await sink.post(message('start'));
    for (let index = 0; index < 10; index += 1) await sink.update(message(`progress ${index}`));
    await sink.update(message('final'), { final: true });
    await sink.update(message('late'), { final: true });
    expect(sent).toEqual([{ response_type: 'ephemeral', text: 'final', blocks: [] }]);
  });
});

describe('the ack budget race', () => {
  it('returns the value when the work is in time, and the pending work when it is not', async () => {
    expect(await withinBudget(Promise.resolve(7), 1000)).toEqual({ done: true, value: 7 });
    let finish: (value: number) => void = () => undefined;
    const slow = new Promise<number>((resolve) => {
      finish = resolve;
    });
    const raced = await withinBudget(slow, 1);
    expect(raced.done).toBe(false);
    finish(9);
    if (!raced.done) expect(await raced.pending).toBe(9);
  });

  it('passes a failure in time on to the caller', async () => {
    await expect(withinBudget(Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom');
  });
});
