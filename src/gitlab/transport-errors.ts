import { type CodedError, isCodedError } from '../lib/errors.ts';
import { clip, errorText, GitLabError, type RequestContext } from './errors.ts';

/* Failures where no response arrived (DNS, TCP, TLS, timeouts, resets), in words that say what to check. */

const TLS_CODES =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|ERR_SSL_|EPROTO|HOSTNAME_MISMATCH)/;

/** No response arrived: DNS, TCP, TLS, timeouts, resets. */
export function errorFromTransport(context: RequestContext, error: unknown): CodedError {
  if (isCodedError(error)) return error; // already classified (e.g. GITLAB_HOST_REFUSED from the guard)
  const code = transportErrorCode(error) ?? 'UNKNOWN';
  const detail = `${context.method} ${context.path} failed: ${code} ${clip(errorText(error))}`;
  const options = { endpoint: context.endpoint, detail, cause: error };
  if (TLS_CODES.test(code)) {
    return new GitLabError(
      'GITLAB_TLS',
      `The TLS certificate of ${context.host} was not accepted (${code}): check the URL. If this GitLab uses a certificate from an internal authority, an operator can trust it with NODE_EXTRA_CA_CERTS.`,
      options,
    );
  }
  const reason: Record<string, string> = {
    ENOTFOUND: 'the host name does not exist',
    EAI_AGAIN: 'the host name could not be looked up',
    ECONNREFUSED: 'the connection was refused',
    EHOSTUNREACH: 'the host is unreachable',
    ENETUNREACH: 'the network is unreachable',
    UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
    UND_ERR_HEADERS_TIMEOUT: 'GitLab did not answer in time',
    UND_ERR_BODY_TIMEOUT: 'GitLab stopped sending its answer',
    ETIMEDOUT: 'the connection timed out',
  };
  return new GitLabError(
    'GITLAB_UNREACHABLE',
    `ActivityPulse could not reach GitLab at ${context.host} (${reason[code] ?? 'the connection failed'}): check the URL and that the server is up.`,
    options,
  );
}

/** The first `code` found on the error, its causes, or an AggregateError's errors. */
export function transportErrorCode(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    queue.push((current as { cause?: unknown }).cause);
    if (current instanceof AggregateError) queue.push(...current.errors);
  }
  if (error instanceof Error && /socket hang up/i.test(error.message)) return 'ECONNRESET';
  return undefined;
}
