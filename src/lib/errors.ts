/**
 * Errors that cross a boundary carry a stable `code` (for logs, metrics and tests) and a
 * `userMessage` that tells a Slack user what to do. Detail for operators goes in `message`
 * and `cause`; neither ever contains a token.
 */
export class CodedError extends Error {
  readonly code: string;
  readonly userMessage: string;

  constructor(code: string, userMessage: string, options?: { cause?: unknown; detail?: string }) {
    super(
      options?.detail ?? userMessage,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'CodedError';
    this.code = code;
    this.userMessage = userMessage;
  }
}

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof CodedError;
}
