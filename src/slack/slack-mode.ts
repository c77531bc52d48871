/**
 * How the app talks to Slack, as the composition root hands it down from the configuration (the
 * config room's `SlackMode` has this shape; the slack room does not import it).
 */
export type SlackMode =
  | { kind: 'http'; signingSecret: string; botToken: string }
  | { kind: 'socket'; appToken: string; botToken: string; signingSecret?: string }
  | { kind: 'oauth'; signingSecret: string; clientId: string; clientSecret: string; stateSecret: string };
