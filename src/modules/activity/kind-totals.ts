import type { ActivityKind } from './activity-kinds.ts';

/** Per kind: how many, and the sums a summary reads (lines of commits, time logged, pipeline results). */
export interface KindTotals {
  kind: ActivityKind;
  n: number;
  added: number;
  removed: number;
  spent: number;
  passed: number;
  failed: number;
}

/**
 * The SQL columns of `KindTotals` after `kind`, over `activity` grouped by kind: one definition,
 * so `/pulse activity` and the digest count (and read a pipeline's status) the same way.
 */
export const KIND_TOTALS_COLUMNS = `count(*)::int as n,
       coalesce(sum(lines_added), 0)::int as added,
       coalesce(sum(lines_removed), 0)::int as removed,
       coalesce(sum(time_spent_seconds), 0)::int as spent,
       (count(*) filter (where pipeline_status = 'success'))::int as passed,
       (count(*) filter (where pipeline_status = 'failed'))::int as failed`;
