import { z } from 'zod';

/** `view.state.values`: block id → action id → the element's state. */
export const viewStateSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z.object({
      type: z.string(),
      value: z.string().nullish(),
      selected_user: z.string().nullish(),
      /** external_select / static_select */
      selected_option: z.object({ value: z.string() }).nullish(),
      /** checkboxes */
      selected_options: z.array(z.object({ value: z.string() })).nullish(),
    }),
  ),
);

export type ViewState = z.infer<typeof viewStateSchema>;

export function textValue(state: ViewState, ids: { block: string; action: string }): string {
  return state[ids.block]?.[ids.action]?.value ?? '';
}

/** The submitting user and team, validated. */
export const submissionSchema = z.object({
  team: z.object({ id: z.string() }).nullish(),
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  view: z.object({
    id: z.string(),
    private_metadata: z.string().optional(),
    state: z.object({ values: viewStateSchema }),
  }),
});

export function teamOf(body: z.infer<typeof submissionSchema>): string {
  const teamId = body.team?.id ?? body.user.team_id;
  if (!teamId) throw new Error('view_submission without a team id');
  return teamId;
}
