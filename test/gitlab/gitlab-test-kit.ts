import type { Dispatcher } from 'undici';
import { afterEach } from 'vitest';
import { GitLabClient, type GitLabClientOptions } from '../../src/gitlab/client.ts';
import { createGitLabDispatcher } from '../../src/gitlab/url-guard.ts';
import {
  createFakeGitLab,
  type FakeGitLab,
  type FakeGitLabOptions,
} from '../support/fake-gitlab/fake-gitlab.ts';
import type { FakeScenario } from '../support/fake-gitlab/scenario.ts';

/**
 * Starts a fake GitLab on 127.0.0.1 and builds real clients for it through the production SSRF
 * guard (127.0.0.1 allowed explicitly, as an operator would). Waits are recorded, never slept.
 */
export interface Kit {
  fake: FakeGitLab;
  dispatcher: Dispatcher;
  /** Every wait the client asked for (retry backoff and pacing), in order. */
  sleeps: number[];
  client(token: string, options?: Partial<GitLabClientOptions>): GitLabClient;
}

const opened: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (opened.length > 0) await opened.pop()?.();
});

export async function startKit(scenario: FakeScenario, options: FakeGitLabOptions = {}): Promise<Kit> {
  const fake = await createFakeGitLab(scenario, options);
  const dispatcher = createGitLabDispatcher({ allowedHosts: ['127.0.0.1'], connectTimeoutMs: 2_000 });
  opened.push(() => fake.close());
  opened.push(() => dispatcher.close());
  const sleeps: number[] = [];
  return {
    fake,
    dispatcher,
    sleeps,
    client: (token, overrides = {}) =>
      new GitLabClient({
        baseUrl: fake.url,
        token,
        dispatcher,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        random: () => 0.5,
        ...overrides,
      }),
  };
}

/** Every page of an async generator, collected. */
export async function collect<P>(pages: AsyncIterable<P>): Promise<P[]> {
  const out: P[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
