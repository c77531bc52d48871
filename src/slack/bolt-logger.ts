import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../lib/logger.ts';

/**
 * Bolt's logger, backed by pino. Bolt's debug output includes whole request bodies (a token typed
 * into a modal would land in the log), so Bolt debug messages are dropped at every level; its
 * info/warn/error messages pass through pino, whose output stream masks token shapes.
 */
export function boltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  let name = 'bolt';
  const text = (parts: unknown[]) =>
    parts
      .map((part) =>
        part instanceof Error ? part.message : typeof part === 'string' ? part : safeJson(part),
      )
      .join(' ');
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => child.info({ logger: name }, text(parts)),
    warn: (...parts: unknown[]) => child.warn({ logger: name }, text(parts)),
    error: (...parts: unknown[]) => child.error({ logger: name }, text(parts)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 500) ?? String(value);
  } catch {
    return String(value);
  }
}
