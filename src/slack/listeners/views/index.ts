import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.ts';
import { VIEWS } from '../../ids.ts';
import { sourceFormSubmission } from './source-form.view.ts';
import { teammateFormSubmission } from './teammate-form.view.ts';

export function register(app: App, deps: SlackDeps): void {
  app.view(VIEWS.sourceForm, sourceFormSubmission(deps));
  app.view(VIEWS.teammateForm, teammateFormSubmission(deps));
}
