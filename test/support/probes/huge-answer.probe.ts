import { Agent } from 'undici';
import { GitLabClient, listUserEvents } from '../../../src/gitlab/index.ts';

/**
 * Run as its own process by the 50 MB drill: reads one teammate's events from the fake GitLab at
 * `argv[2]` with the product's client and default limits, and prints what happened and the
 * process's peak resident memory — a figure the shared test worker cannot give.
 */
const [baseUrl = '', token = ''] = process.argv.slice(2);
const client = new GitLabClient({ baseUrl, token, dispatcher: new Agent(), retry: { maxAttempts: 1 } });
let outcome = 'read';
try {
  for await (const _page of listUserEvents(client, 41, { after: '2024-04-01' })) {
    // Reading is the point: the cap must stop it while it streams.
  }
} catch (error) {
  outcome = (error as { code?: string }).code ?? 'error';
}
// resourceUsage().maxRSS is in KiB: the high-water mark of the whole process.
process.stdout.write(
  `${JSON.stringify({ outcome, peakMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
);
