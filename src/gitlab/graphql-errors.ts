import { z } from 'zod';
import { GitLabError } from './errors.ts';

/**
 * GitLab's GraphQL API answers 200 with an `errors` array when a query fails
 * (https://docs.gitlab.com/api/graphql/). Those become a GitLabGraphqlError carrying the messages,
 * so an API function can recognise "this GitLab is too old for that field".
 */
export const graphqlEnvelopeSchema = z.looseObject({
  data: z.unknown().optional(),
  errors: z
    .array(
      z.looseObject({
        message: z.string(),
        path: z.array(z.union([z.string(), z.number()])).optional(),
        extensions: z.looseObject({ code: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

export type GraphqlErrorEntry = NonNullable<z.infer<typeof graphqlEnvelopeSchema>['errors']>[number];

export class GitLabGraphqlError extends GitLabError {
  readonly graphqlMessages: string[];
  /**
   * Every error names a place in the answer (`path`): GitLab ran the query and failed on some
   * nodes' fields, rather than refusing the query as a whole.
   */
  readonly onNodes: boolean;

  constructor(endpoint: string, messages: string[], options: { onNodes?: boolean } = {}) {
    const first = messages[0] ?? 'unknown error';
    super(
      'GITLAB_GRAPHQL_ERROR',
      `GitLab's GraphQL API rejected the query for ${endpoint} (${clip(first)}): this GitLab version may not support it yet.`,
      {
        endpoint,
        detail: `${endpoint}: GraphQL errors: ${messages.map((message) => clip(message)).join(' | ')}`,
      },
    );
    this.name = 'GitLabGraphqlError';
    this.graphqlMessages = messages;
    this.onNodes = options.onNodes ?? false;
  }

  /** True when GitLab does not know a field or argument the query used (an older version). */
  isUnknownField(name?: string): boolean {
    return this.graphqlMessages.some(
      (message) =>
        /doesn't exist on type|doesn't accept argument|Unknown argument|undefinedField|Cannot query field/i.test(
          message,
        ) &&
        (name === undefined || message.includes(`'${name}'`) || message.includes(`"${name}"`)),
    );
  }
}

export function errorFromGraphql(endpoint: string, errors: GraphqlErrorEntry[]): GitLabGraphqlError {
  return new GitLabGraphqlError(
    endpoint,
    errors.map((entry) => entry.message),
    { onNodes: errors.length > 0 && errors.every((entry) => (entry.path?.length ?? 0) > 0) },
  );
}

function clip(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
