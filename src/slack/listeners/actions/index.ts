import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.ts';
import { ACTIONS, TEAMMATE_FORM, VIEWS } from '../../ids.ts';
import { activityMoreAction } from './activity-more.action.ts';
import { homeRefreshAction } from './home-refresh.action.ts';
import { sourceAddAction } from './source-add.action.ts';
import { sourceEditAction } from './source-edit.action.ts';
import { sourceFetchAction } from './source-fetch.action.ts';
import { sourceRemoveAction } from './source-remove.action.ts';
import { sourceTestAction } from './source-test.action.ts';
import { sourceUpdateTokenAction } from './source-update-token.action.ts';
import { teammateAddAction } from './teammate-add.action.ts';
import { teammateEditAction } from './teammate-edit.action.ts';
import { teammateSuggestAction } from './teammate-suggest.action.ts';
import { teammateUserSelectAction } from './teammate-user-select.action.ts';

export function register(app: App, deps: SlackDeps): void {
  app.action(ACTIONS.sourceAdd, sourceAddAction(deps));
  app.action(ACTIONS.sourceTest, sourceTestAction(deps));
  app.action(ACTIONS.sourceFetch, sourceFetchAction(deps));
  app.action(ACTIONS.sourceEdit, sourceEditAction(deps));
  app.action(ACTIONS.sourceRemove, sourceRemoveAction(deps));
  app.action(ACTIONS.sourceUpdateToken, sourceUpdateTokenAction(deps));
  app.action(ACTIONS.teammateEdit, teammateEditAction(deps));
  app.action(ACTIONS.teammateAdd, teammateAddAction(deps));
  app.action(ACTIONS.teammateSuggest, teammateSuggestAction(deps));
  app.action(ACTIONS.homeRefresh, homeRefreshAction(deps));
  app.action(ACTIONS.activityMore, activityMoreAction(deps));
  app.action(
    {
      type: 'block_actions',
      callback_id: VIEWS.teammateForm,
      block_id: TEAMMATE_FORM.user.block,
      action_id: TEAMMATE_FORM.user.action,
    },
    teammateUserSelectAction(deps),
  );
}
