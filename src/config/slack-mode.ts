/* Which of Slack's three ways in the credentials choose, and what is missing for it. */

const README_SLACK = 'see "Create the Slack app" in README.md';

export type SlackMode =
  | { kind: 'http'; signingSecret: string; botToken: string }
  | { kind: 'socket'; appToken: string; botToken: string; signingSecret?: string }
  | { kind: 'oauth'; signingSecret: string; clientId: string; clientSecret: string; stateSecret: string };

/** The Slack variables, trimmed, empty as undefined. */
export interface SlackEnv {
  SLACK_SIGNING_SECRET?: string | undefined;
  SLACK_BOT_TOKEN?: string | undefined;
  SLACK_APP_TOKEN?: string | undefined;
  SLACK_CLIENT_ID?: string | undefined;
  SLACK_CLIENT_SECRET?: string | undefined;
  SLACK_STATE_SECRET?: string | undefined;
}

export function rawSlackEnv(env: NodeJS.ProcessEnv): SlackEnv {
  const read = (name: keyof SlackEnv) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  return {
    SLACK_SIGNING_SECRET: read('SLACK_SIGNING_SECRET'),
    SLACK_BOT_TOKEN: read('SLACK_BOT_TOKEN'),
    SLACK_APP_TOKEN: read('SLACK_APP_TOKEN'),
    SLACK_CLIENT_ID: read('SLACK_CLIENT_ID'),
    SLACK_CLIENT_SECRET: read('SLACK_CLIENT_SECRET'),
    SLACK_STATE_SECRET: read('SLACK_STATE_SECRET'),
  };
}

/** Which Slack mode the credentials choose: the OAuth install, Socket Mode or plain HTTP. */
export function slackMode(env: SlackEnv, problems: string[]): SlackMode | undefined {
  const oauthVars = [env.SLACK_CLIENT_ID, env.SLACK_CLIENT_SECRET, env.SLACK_STATE_SECRET];
  if (oauthVars.some((value) => value !== undefined)) {
    const missing = [
      env.SLACK_CLIENT_ID ? undefined : 'SLACK_CLIENT_ID',
      env.SLACK_CLIENT_SECRET ? undefined : 'SLACK_CLIENT_SECRET',
      env.SLACK_STATE_SECRET ? undefined : 'SLACK_STATE_SECRET',
      env.SLACK_SIGNING_SECRET ? undefined : 'SLACK_SIGNING_SECRET',
    ].filter((name): name is string => name !== undefined);
    if (missing.length > 0) {
      problems.push(`multi-workspace OAuth install also needs ${missing.join(', ')} (${README_SLACK})`);
      return undefined;
    }
    return {
      kind: 'oauth',
      signingSecret: env.SLACK_SIGNING_SECRET!,
      clientId: env.SLACK_CLIENT_ID!,
      clientSecret: env.SLACK_CLIENT_SECRET!,
      stateSecret: env.SLACK_STATE_SECRET!,
    };
  }
  if (env.SLACK_APP_TOKEN) {
    if (!env.SLACK_BOT_TOKEN) {
      problems.push(`Socket Mode (SLACK_APP_TOKEN is set) also needs SLACK_BOT_TOKEN (${README_SLACK})`);
      return undefined;
    }
    return {
      kind: 'socket',
      appToken: env.SLACK_APP_TOKEN,
      botToken: env.SLACK_BOT_TOKEN,
      ...(env.SLACK_SIGNING_SECRET ? { signingSecret: env.SLACK_SIGNING_SECRET } : {}),
    };
  }
  const missing = [
    env.SLACK_SIGNING_SECRET ? undefined : 'SLACK_SIGNING_SECRET',
    env.SLACK_BOT_TOKEN ? undefined : 'SLACK_BOT_TOKEN',
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0) {
    problems.push(
      `Slack credentials missing: set ${missing.join(' and ')} (from your Slack app's "Basic Information" and "OAuth & Permissions" pages; ${README_SLACK}). For Socket Mode set SLACK_APP_TOKEN and SLACK_BOT_TOKEN instead.`,
    );
    return undefined;
  }
  return { kind: 'http', signingSecret: env.SLACK_SIGNING_SECRET!, botToken: env.SLACK_BOT_TOKEN! };
}
