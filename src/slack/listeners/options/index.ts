import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.ts';
import { TEAMMATE_FORM } from '../../ids.ts';
import { gitlabUserOptions } from './gitlab-user.options.ts';

export function register(app: App, deps: SlackDeps): void {
  // The block id names the source; the action id changes with the person shown (ids.ts).
  app.options(
    { type: 'block_suggestion', block_id: new RegExp(`^${TEAMMATE_FORM.sourcePrefix}`) },
    gitlabUserOptions(deps),
  );
}
