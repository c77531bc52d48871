import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.ts';
import { appHomeOpenedEvent } from './app-home-opened.event.ts';
import { uninstallEvent } from './uninstall.event.ts';

export function register(app: App, deps: SlackDeps): void {
  app.event('app_uninstalled', uninstallEvent(deps));
  app.event('tokens_revoked', uninstallEvent(deps));
  app.event('app_home_opened', appHomeOpenedEvent(deps));
}
