import { Migration } from '@mikro-orm/migrations';

/**
 * Review facts and pipeline status as typed columns instead of keys inside `payload`, so every
 * reader (activity, digest, dashboard) asks the repository for columns and no SQL reads JSON:
 * - `merge_request_ref` (`<project id>!<iid>`): the MR a comment, approval or MR event belongs to;
 * - `is_review`: a comment or approval on someone else's MR;
 * - `review_requested_at`, `mr_created_at`: when the review could start (request, else MR opened);
 * - `pickup_seconds`: on the reviewer's first action per MR, request (or opening) to that action;
 * - `pipeline_status`: a pipeline's status, lower case.
 * Existing rows are filled from their payload, and the computed keys leave the payload.
 */
export class TypedReviewFacts extends Migration {
  override name = '20261202-0001-typed-review-facts';

  override up(): void {
    this.addSql(`
alter table "activity"
  add column "merge_request_ref" text null,
  add column "is_review" boolean not null default false,
  add column "review_requested_at" timestamptz null,
  add column "mr_created_at" timestamptz null,
  add column "pickup_seconds" int null,
  add column "pipeline_status" text null;

update "activity" set
  "merge_request_ref" = "payload"->>'mergeRequest',
  "is_review" = coalesce("payload"->>'review' = 'true', false),
  "review_requested_at" = case when jsonb_typeof("payload"->'reviewRequestedAt') = 'string'
                               then ("payload"->>'reviewRequestedAt')::timestamptz end,
  "mr_created_at" = case when jsonb_typeof("payload"->'mrCreatedAt') = 'string'
                         then ("payload"->>'mrCreatedAt')::timestamptz end,
  "pickup_seconds" = case when jsonb_typeof("payload"->'pickupSeconds') = 'number'
                          then round(("payload"->>'pickupSeconds')::numeric)::int end,
  "pipeline_status" = case when "kind" = 'pipeline_run' then lower("payload"->>'status') end
where "payload" ?| array['mergeRequest', 'review', 'reviewRequestedAt', 'mrCreatedAt', 'pickupSeconds', 'status'];

update "activity" set "payload" = "payload" - 'review' - 'reviewRequestedAt' - 'mrCreatedAt' - 'pickupSeconds'
where "payload" ?| array['review', 'reviewRequestedAt', 'mrCreatedAt', 'pickupSeconds'];

create index "activity_review_mr_idx" on "activity" ("teammate_id", "merge_request_ref") where "is_review";
`);
  }
}
