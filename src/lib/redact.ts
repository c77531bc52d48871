/**
 * Last line of defence against a secret reaching a log line or a Slack message: well-known token
 * shapes are masked wherever they appear in text. Field-level redaction in the logger catches
 * secrets that have no recognisable shape.
 */
const TOKEN_PATTERNS: RegExp[] = [
  // GitLab personal, project, group, OAuth, deploy, runner, feed and trigger tokens.
  /\b(glpat|gloas|gldt|glrt|glcbt|glptt|glft|glimt|glagent|glsoat|glffct)-[A-Za-z0-9_.-]{8,}/g,
  // Slack bot, user, app-level, refresh and config tokens.
  /\bxox[abposre]-[A-Za-z0-9-]{6,}/g,
  /\bxapp-[A-Za-z0-9-]{6,}/g,
  // PRIVATE-TOKEN / Authorization headers written out as text.
  /(private-token["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  /(authorization["']?\s*[:=]\s*["']?(?:bearer|basic)\s+)[^\s"',}]+/gi,
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of TOKEN_PATTERNS) {
    out = out.replace(pattern, (match, prefix: string | undefined) =>
      typeof prefix === 'string' && match.startsWith(prefix) && prefix.length < match.length
        ? `${prefix}[REDACTED]`
        : '[REDACTED]',
    );
  }
  return out;
}

/** Removes one exact secret (for tokens that have no recognisable prefix) and the known shapes. */
export function redactValue(text: string, secret: string | undefined): string {
  const masked = secret && secret.length >= 4 ? text.split(secret).join('[REDACTED]') : text;
  return redactSecrets(masked);
}

/** Field names whose values are never logged, whatever they contain. */
export const SECRET_FIELD_PATHS = [
  'token',
  'apiToken',
  'botToken',
  'appToken',
  'password',
  'secret',
  'signingSecret',
  'clientSecret',
  'encryptionKey',
  '*.token',
  '*.apiToken',
  '*.botToken',
  '*.password',
  '*.secret',
  'headers["private-token"]',
  'headers.authorization',
  '*.headers["private-token"]',
  '*.headers.authorization',
  'body',
  'payload',
  '*.body',
  'req.body',
];
