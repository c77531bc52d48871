/** The `error` of a Web API call Slack answered with `ok: false` (`user_not_found`, …), else undefined. */
export function slackErrorCode(error: unknown): string | undefined {
  const coded = error as { code?: string; data?: { error?: string } } | undefined;
  return coded?.code === 'slack_webapi_platform_error' ? coded.data?.error : undefined;
}

/** users.info errors that mean "no such person here", not "something broke". */
export function isUnknownSlackUser(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code === 'user_not_found' || code === 'user_not_visible';
}
