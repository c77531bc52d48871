import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.ts';
import { VIEWS } from '../../ids.ts';
import { mappingSuggestionsSubmission } from './mapping-suggestions.view.ts';
import { sourceFormSubmission } from './source-form.view.ts';
import { teammateFormSubmission } from './teammate-form.view.ts';

export function register(app: App, deps: SlackDeps): void {
  app.view(VIEWS.sourceForm, sourceFormSubmission(deps));
  app.view(VIEWS.teammateForm, teammateFormSubmission(deps));
  app.view(VIEWS.mappingSuggestions, mappingSuggestionsSubmission(deps));
}
