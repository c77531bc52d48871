import { type Dispatcher, request } from 'undici';
import type { CodedError } from '../lib/errors.ts';
import { badResponseError, errorFromResponse } from './errors.ts';
import type { HttpHeaders } from './http-headers.ts';
import {
  type RequestLimits,
  type RunBudget,
  requestTimeoutError,
  responseTooLargeError,
} from './request-limits.ts';
import { errorFromTransport, transportErrorCode } from './transport-errors.ts';

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
  limits: RequestLimits;
  /** Who is being asked, for limit messages ("GitLab source “x” (host)"). */
  where: string;
  /** The run this request belongs to: its deadline cuts the request short. */
  budget: RunBudget | undefined;
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

  // One deadline for the whole exchange: undici's own timeouts are idle timeouts, which a server
  // sending a byte a second never trips.
  const requestDeadline = AbortSignal.timeout(settings.limits.totalMs);
  const signal = settings.budget
    ? AbortSignal.any([requestDeadline, settings.budget.signal])
    : requestDeadline;
  const failure = (error: unknown, status?: number) => {
    if (error instanceof AttemptFailure) return error;
    if (settings.budget?.signal.aborted) {
      report(status, 'RUN_DEADLINE');
      return new AttemptFailure(settings.budget.deadlineError(settings.host), { errorCode: 'RUN_DEADLINE' });
    }
    if (requestDeadline.aborted) {
      report(status, 'REQUEST_DEADLINE');
      const timeout = requestTimeoutError(settings.where, outgoing.endpoint, settings.limits.totalMs);
      return new AttemptFailure(timeout, { errorCode: 'REQUEST_DEADLINE' });
    }
    return transportFailure(error, status);
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
      signal,
    });
  } catch (error) {
    throw failure(error);
  }
  const { statusCode: status } = response;
  const headers = response.headers as HttpHeaders;
  let bodyText: string;
  try {
    // Always read the body to the end (or destroy it), error or not: an unread body pins the connection.
    bodyText = await readCapped(response, settings.limits.maxResponseBytes, () => {
      report(status, 'RESPONSE_TOO_LARGE');
      const tooLarge = responseTooLargeError(
        settings.where,
        outgoing.endpoint,
        settings.limits.maxResponseBytes,
      );
      return new AttemptFailure(tooLarge, { status, errorCode: 'RESPONSE_TOO_LARGE' });
    });
  } catch (error) {
    throw failure(error, status);
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

/**
 * The body as text, refused as soon as it passes `maxBytes` (by Content-Length before reading,
 * else while streaming), so an oversized answer never sits in memory whole.
 */
async function readCapped(
  response: Dispatcher.ResponseData,
  maxBytes: number,
  tooLarge: () => AttemptFailure,
): Promise<string> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
