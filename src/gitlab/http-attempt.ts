import { type Dispatcher, request } from 'undici';
import type { CodedError } from '../lib/errors.ts';
import { badResponseError, errorFromResponse, errorFromTransport, transportErrorCode } from './errors.ts';
import type { HttpHeaders } from './http-headers.ts';

/**
 * One HTTP exchange with GitLab: send, read the whole body, and turn anything but a 2xx JSON answer
 * into an AttemptFailure that carries what the retry policy needs. No retries here.
 */
export interface ClientTimeouts {
  /** Time until the response headers arrive; default 30 s. (Connect timeout: createGitLabDispatcher.) */
  headersMs: number;
  /** Longest silence while the body streams; default 30 s. */
  bodyMs: number;
}

export interface GitLabRequestEvent {
  method: string;
  endpoint: string;
  attempt: number;
  status: number | undefined;
  errorCode: string | undefined;
  durationMs: number;
}

export interface ExchangeSettings {
  dispatcher: Dispatcher;
  token: string;
  /** Host the client is configured for, for "could not reach …" messages. */
  host: string;
  timeouts: ClientTimeouts;
  onRequest: ((event: GitLabRequestEvent) => void) | undefined;
}

export interface OutgoingRequest {
  method: 'GET' | 'POST';
  url: URL;
  endpoint: string;
  body?: string;
}

export interface ReceivedResponse {
  status: number;
  headers: HttpHeaders;
  json: unknown;
}

/** One failed attempt, with what the retry policy needs to judge it. */
export class AttemptFailure extends Error {
  readonly error: CodedError;
  readonly status: number | undefined;
  readonly headers: HttpHeaders | undefined;
  readonly errorCode: string | undefined;

  constructor(error: CodedError, facts: { status?: number; headers?: HttpHeaders; errorCode?: string }) {
    super(error.message);
    this.error = error;
    this.status = facts.status;
    this.headers = facts.headers;
    this.errorCode = facts.errorCode;
  }
}

export async function sendAttempt(
  outgoing: OutgoingRequest,
  attempt: number,
  settings: ExchangeSettings,
): Promise<ReceivedResponse> {
  const context = {
    method: outgoing.method,
    path: outgoing.url.pathname,
    endpoint: outgoing.endpoint,
    host: settings.host,
  };
  const startedAt = performance.now();
  const report = (status: number | undefined, errorCode: string | undefined) =>
    settings.onRequest?.({
      method: outgoing.method,
      endpoint: outgoing.endpoint,
      attempt,
      status,
      errorCode,
      durationMs: performance.now() - startedAt,
    });
  const transportFailure = (error: unknown, status?: number) => {
    const errorCode = transportErrorCode(error);
    report(status, errorCode);
    return new AttemptFailure(errorFromTransport(context, error), errorCode ? { errorCode } : {});
  };

  let response: Dispatcher.ResponseData;
  try {
    response = await request(outgoing.url, {
      dispatcher: settings.dispatcher,
      method: outgoing.method,
      headers: {
        'private-token': settings.token,
        accept: 'application/json',
        'user-agent': 'ActivityPulse',
        ...(outgoing.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(outgoing.body === undefined ? {} : { body: outgoing.body }),
      headersTimeout: settings.timeouts.headersMs,
      bodyTimeout: settings.timeouts.bodyMs,
    });
  } catch (error) {
    throw transportFailure(error);
  }
  const { statusCode: status } = response;
  const headers = response.headers as HttpHeaders;
  let bodyText: string;
  try {
    // Always read the body to the end, error or not: an unread body pins the connection.
    bodyText = await response.body.text();
  } catch (error) {
    throw transportFailure(error, status);
  }
  report(status, undefined);
  if (status < 200 || status >= 300) {
    throw new AttemptFailure(errorFromResponse(context, { status, headers, bodyText }), { status, headers });
  }
  try {
    return { status, headers, json: bodyText === '' ? null : JSON.parse(bodyText) };
  } catch (error) {
    const problem = `the body is not JSON (content-type ${String(headers['content-type'] ?? 'missing')})`;
    throw new AttemptFailure(badResponseError(outgoing.endpoint, problem, error), { status });
  }
}
