import { enableCompileCache } from 'node:module';
import type { RunningApp, StartOptions } from './compose.ts';
import { ConfigError, loadConfig } from './config/config.ts';
import { isCodedError } from './lib/errors.ts';

export type { RunningApp, StartOptions } from './compose.ts';

/**
 * Starts ActivityPulse. The heavy modules (Bolt, MikroORM, undici, pino) are loaded only after the
 * environment parsed, so an operator sees a configuration error in a fraction of a second.
 */
export async function startActivityPulse(options: StartOptions): Promise<RunningApp> {
  const config = options.config ?? loadConfig(options.env);
  // Keeps the type-stripped, compiled modules on disk (the OS temp dir): a restart neither strips
  // the TypeScript again nor holds the stripper's memory (about 25 MB less resident). Best effort:
  // a read-only disk only makes it a no-op.
  enableCompileCache();
  // The bot token too is checked before the heavy modules load: a refused token is told in a second.
  const { checkBotToken } = await import('./slack/bot-token-check.ts');
  const botIdentity =
    config.slack.kind === 'oauth'
      ? undefined
      : await checkBotToken({ botToken: config.slack.botToken, slackApiUrl: config.slackApiUrl });
  const { startActivityPulse: compose } = await import('./compose.ts');
  return compose({ ...options, config, ...(botIdentity ? { botIdentity } : {}) });
}

async function main(): Promise<void> {
  let running: RunningApp | undefined;
  endOnUnexpectedFailure(() => running);
  try {
    running = await startActivityPulse({ env: process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else if (isCodedError(error)) {
      process.stderr.write(`ActivityPulse cannot start: ${error.userMessage}\n`);
    } else {
      process.stderr.write(
        `ActivityPulse cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    process.exit(1);
  }
  const app = running;
  const shutdown = (signal: string) => {
    app.logger.info({ signal }, 'signal received');
    const hardStop = setTimeout(() => process.exit(1), 30_000);
    hardStop.unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

/**
 * A rejection nobody awaited or an exception nobody caught means some state is unknown: log it
 * once, stop cleanly (jobs, Slack, the embedded PostgreSQL) and exit non-zero so the supervisor
 * starts a fresh process, rather than running on half alive.
 */
function endOnUnexpectedFailure(current: () => RunningApp | undefined): void {
  let failing = false;
  const fail = (kind: string, error: unknown) => {
    if (failing) return;
    failing = true;
    const running = current();
    if (!running) {
      // Still starting: a bug, so the stack is shown. exit() also stops an embedded PostgreSQL
      // already started (see startEmbeddedPostgres).
      process.stderr.write(
        `ActivityPulse failed while starting (${kind}): ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      process.exit(1);
    }
    running.logger.fatal(
      { err: error, kind },
      'unexpected failure; ActivityPulse stops so it can be restarted',
    );
    setTimeout(() => process.exit(1), 15_000);
    running.stop().then(
      () => process.exit(1),
      () => process.exit(1),
    );
  };
  process.on('unhandledRejection', (reason) => fail('unhandledRejection', reason));
  process.on('uncaughtException', (error) => fail('uncaughtException', error));
}

if (import.meta.main) await main();
