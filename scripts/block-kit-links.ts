import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Dashboard } from '../src/modules/dashboard/dashboard.service.ts';
import type { DigestContent, DigestPerson, DigestTotals } from '../src/modules/digest/digest.types.ts';
import { emptyTotals } from '../src/modules/digest/digest-builder.service.ts';
import { digestWindowFor } from '../src/modules/digest/digest-time.ts';
import { presentDigest } from '../src/slack/ui/digest.ui.ts';
import { presentHome } from '../src/slack/ui/home.ui.ts';

/**
 * `npm run block-kit`: renders a digest and an App Home through the same builders the app posts
 * with (`presentDigest`, `presentHome`), for a small sample team, and writes Block Kit Builder
 * links to docs/block-kit.md — so the README can show what people see, and the links change when
 * the builders do.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const GITLAB = 'https://gitlab.example.com';
const NOW = new Date('2026-03-11T09:30:00Z');

const mr = (project: string, iid: number) => `${GITLAB}/${project}/-/merge_requests/${iid}`;
const commit = (project: string, sha: string) => `${GITLAB}/${project}/-/commit/${sha}`;

function totals(overrides: Partial<DigestTotals>): DigestTotals {
  return { ...emptyTotals(), ...overrides };
}

const people: DigestPerson[] = [
  {
    slackUserId: 'U01ADA',
    displayName: 'Ada Lovelace',
    totals: totals({
      mrOpened: 1,
      mrMerged: 2,
      reviews: 3,
      approvals: 2,
      pickupSeconds: 2700,
      reviewEffortSeconds: 2400,
      commits: 7,
      linesAdded: 412,
      linesRemoved: 96,
      comments: 5,
      timeLoggedSeconds: 3 * 3600,
      pipelinesPassed: 5,
      pipelinesFailed: 1,
      activities: 26,
    }),
    failedPipelines: [
      { project: 'payments/api', ref: 'main', url: `${GITLAB}/payments/api/-/pipelines/8812` },
    ],
    highlights: [
      {
        kind: 'mr_merged',
        title: 'PAY-142 Settle invoices nightly',
        url: mr('payments/api', 311),
        project: 'payments/api',
      },
      {
        kind: 'mr_merged',
        title: 'Retry webhooks with backoff',
        url: mr('payments/api', 309),
        project: 'payments/api',
      },
      {
        kind: 'mr_opened',
        title: 'PAY-150 Refund partial captures',
        url: mr('payments/api', 315),
        project: 'payments/api',
      },
    ],
    moreHighlights: 0,
    commits: [
      { title: 'Settle in one transaction', url: commit('payments/api', 'a1b2c3d') },
      { title: 'Add nightly settlement job', url: commit('payments/api', 'b2c3d4e') },
      { title: 'Log settlement totals', url: commit('payments/api', 'c3d4e5f') },
    ],
    moreCommits: 4,
    jira: [
      { key: 'PAY-142', url: 'https://acme.atlassian.net/browse/PAY-142' },
      { key: 'PAY-150', url: 'https://acme.atlassian.net/browse/PAY-150' },
    ],
  },
  {
    slackUserId: 'U02GRACE',
    displayName: 'Grace Hopper',
    totals: totals({
      mrOpened: 1,
      reviews: 4,
      approvals: 3,
      pickupSeconds: 1500,
      reviewEffortSeconds: 3300,
      commits: 3,
      linesAdded: 88,
      linesRemoved: 12,
      issuesClosed: 2,
      comments: 9,
      pipelinesPassed: 3,
      activities: 22,
    }),
    failedPipelines: [],
    highlights: [
      {
        kind: 'mr_opened',
        title: 'WEB-77 Accessible checkout form',
        url: mr('web/shop', 88),
        project: 'web/shop',
      },
      {
        kind: 'issue_closed',
        title: 'Checkout button hidden on small screens',
        url: `${GITLAB}/web/shop/-/issues/412`,
        project: 'web/shop',
      },
      {
        kind: 'issue_closed',
        title: 'Typo in the refund email',
        url: `${GITLAB}/web/shop/-/issues/409`,
        project: 'web/shop',
      },
    ],
    moreHighlights: 0,
    commits: [
      { title: 'Label every checkout field', url: commit('web/shop', 'd4e5f6a') },
      { title: 'Focus the first error', url: commit('web/shop', 'e5f6a7b') },
      { title: 'Contrast for the pay button', url: commit('web/shop', 'f6a7b8c') },
    ],
    moreCommits: 0,
    jira: [{ key: 'WEB-77', url: 'https://acme.atlassian.net/browse/WEB-77' }],
  },
];

const team: DigestTotals = emptyTotals();
for (const person of people) {
  for (const key of Object.keys(team) as Array<keyof DigestTotals>) {
    if (key === 'pickupSeconds') continue;
    team[key] = (team[key] ?? 0) + (person.totals[key] ?? 0);
  }
}

const digest: DigestContent = {
  workspaceId: 'T0ACME',
  window: digestWindowFor('2026-03-10', 'Europe/Berlin'),
  team: { ...team, pickupSeconds: 2100, people: 3, activePeople: 2 },
  people,
  quiet: [{ slackUserId: 'U03LINUS', displayName: 'Linus' }],
  staleSources: [],
};

const dashboard: Dashboard = {
  team: {
    people: [
      {
        slackUserId: 'U01ADA',
        merged: [
          { title: 'PAY-142 Settle invoices nightly', url: mr('payments/api', 311) },
          { title: 'Retry webhooks with backoff', url: mr('payments/api', 309) },
        ],
        mergedCount: 2,
        commits: 7,
        reviews: 3,
        daily: [0, 3, 5, 2, 4, 0, 0, 6, 8, 3, 5, 7, 9, 4],
      },
      {
        slackUserId: 'U02GRACE',
        merged: [],
        mergedCount: 0,
        commits: 3,
        reviews: 4,
        daily: [2, 2, 4, 1, 3, 0, 0, 1, 5, 6, 2, 3, 4, 6],
      },
      {
        slackUserId: 'U03LINUS',
        merged: [],
        mergedCount: 0,
        commits: 0,
        reviews: 1,
        daily: [1, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0],
      },
    ],
    waiting: [
      {
        reviewerSlackUserId: 'U03LINUS',
        title: 'PAY-150 Refund partial captures',
        url: mr('payments/api', 315),
        requestedAt: new Date('2026-03-10T08:15:00Z'),
      },
    ],
    failing: [
      {
        slackUserId: 'U01ADA',
        project: 'payments/api',
        ref: 'main',
        title: 'Pipeline #8812 failed on main',
        url: `${GITLAB}/payments/api/-/pipelines/8812`,
        at: new Date('2026-03-11T07:40:00Z'),
      },
    ],
  },
  sources: [],
  mine: { status: 'unmapped', slackUserId: 'U02GRACE' },
  teammates: [],
  digests: [],
  lastSync: null,
};

const builder = (payload: unknown) =>
  `https://app.slack.com/block-kit-builder/#${encodeURIComponent(JSON.stringify(payload))}`;

const [message] = presentDigest(digest);
const home = presentHome(dashboard, {
  now: NOW,
  timeZone: 'Europe/Berlin',
  canManage: false,
  slackUserId: 'U02GRACE',
});
const links = {
  digest: builder({ blocks: message?.blocks ?? [] }),
  home: builder({ type: 'home', blocks: home.blocks }),
};

const text = `# What people see in Slack

Generated by \`npm run block-kit\` (scripts/block-kit-links.ts) from the app's own Block Kit builders
for a small sample team; open a link to see the payload in Slack's Block Kit Builder (sign-in needed).

- [A daily digest](${links.digest})
- [App Home](${links.home})
`;
await writeFile(path.join(ROOT, 'docs', 'block-kit.md'), text);
process.stdout.write(`${text}\n`);
