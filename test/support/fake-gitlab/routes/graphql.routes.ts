import {
  type DocumentNode,
  executeSync,
  type GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
  visit,
} from 'graphql';
import { queryCost } from '../graphql/complexity.ts';
import { rootValue } from '../graphql/resolvers.ts';
import { gitlabSchema, schemaVersionFor } from '../graphql/schemas.ts';
import { json, type Route } from '../route.ts';

/**
 * GitLab's GraphQL endpoint, executed for real: the query is parsed, validated against GitLab's
 * published schema of the scenario's version (test/fixtures/gitlab-schemas/), refused over
 * GitLab's complexity (250 for a token) or depth (20) limits, then executed with graphql-js on
 * resolvers backed by the scenario. Errors come in GitLab's shape and wording: HTTP 200 with
 * `errors`, "Field 'x' doesn't exist on type 'Y'", "Query has complexity of N, which exceeds max
 * complexity of 250".
 */
interface GraphqlBody {
  query?: unknown;
  variables?: Record<string, unknown> | null;
  operationName?: unknown;
}

/** gitlab_schema.rb: AUTHENTICATED_MAX_COMPLEXITY, AUTHENTICATED_MAX_DEPTH. */
const MAX_COMPLEXITY = 250;
const MAX_DEPTH = 20;

export const graphqlRoute: Route = {
  method: 'POST',
  pattern: '/api/graphql',
  access: 'read_api',
  handle: (context) => {
    const body = (context.body ?? {}) as GraphqlBody;
    const variables = body.variables ?? {};
    if (typeof body.query !== 'string' || body.query.trim() === '') {
      return json({ errors: [{ message: 'No query string was present' }] });
    }
    const scenario = context.world.scenario;
    const schema = gitlabSchema(schemaVersionFor(context.world.version));
    const checked = parsedAndValidated(schema, body.query);
    if ('syntaxError' in checked) return json({ errors: [{ message: checked.syntaxError.message }] });
    const { document, invalid } = checked;
    if (invalid.length > 0) return json({ errors: invalid.map(asGitLabError) });
    const operation = document.definitions.find(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
    if (!operation) return json({ errors: [{ message: 'No operation in the query' }] });
    if (scenario.features?.graphqlTimelogs === false) {
      // A GitLab without time logs in GraphQL has them neither on Query nor on a user.
      let refused: ReturnType<typeof unknownField> | undefined;
      const parents: string[] = [];
      visit(operation, {
        Field: {
          enter(node) {
            if (node.name.value === 'timelogs')
              refused ??= unknownField('timelogs', parents.length === 0 ? 'Query' : 'UserCore');
            parents.push(node.name.value);
          },
          leave() {
            parents.pop();
          },
        },
      });
      if (refused) return json({ errors: [refused] });
    }
    if (scenario.features?.graphqlUserMergeRequestsUpdatedAfter === false) {
      // As GitLab 14.x: the user merge request lists take no updatedAfter.
      let refused: ReturnType<typeof unknownArgument> | undefined;
      visit(operation, {
        Field(node) {
          const name = node.name.value;
          if (name !== 'reviewRequestedMergeRequests' && name !== 'authoredMergeRequests') return;
          if (node.arguments?.some((argument) => argument.name.value === 'updatedAfter'))
            refused ??= unknownArgument(name, 'updatedAfter');
        },
      });
      if (refused) return json({ errors: [refused] });
    }
    const cost = queryCost(schema, operation, variables);
    const maxComplexity = scenario.features?.graphqlMaxComplexity ?? MAX_COMPLEXITY;
    if (cost.depth > MAX_DEPTH) {
      return json({
        errors: [{ message: `Query has depth of ${cost.depth}, which exceeds max depth of ${MAX_DEPTH}` }],
      });
    }
    if (cost.complexity > maxComplexity) {
      return json({
        errors: [
          {
            message: `Query has complexity of ${cost.complexity}, which exceeds max complexity of ${maxComplexity}`,
          },
        ],
      });
    }
    const result = executeSync({
      schema,
      document,
      rootValue: rootValue(context),
      variableValues: variables,
    });
    const errors = (result.errors ?? []).map((error) => ({
      message: error.message,
      ...(error.locations ? { locations: error.locations } : {}),
      ...(error.path ? { path: error.path } : {}),
    }));
    return json({ ...(errors.length > 0 ? { errors } : {}), data: result.data ?? null });
  },
};

type Checked = { document: DocumentNode; invalid: readonly GraphQLError[] } | { syntaxError: GraphQLError };

const checkedQueries = new WeakMap<GraphQLSchema, Map<string, Checked>>();

/**
 * `parse` then `validate`, remembered per schema and query text: both depend on nothing else, and
 * the sync sends the same texts with other variables (issue 17: the fake's CPU is the bench's).
 */
function parsedAndValidated(schema: GraphQLSchema, query: string): Checked {
  let known = checkedQueries.get(schema);
  if (!known) {
    known = new Map();
    checkedQueries.set(schema, known);
  }
  let checked = known.get(query);
  if (!checked) {
    try {
      const document = parse(query);
      checked = { document, invalid: validate(schema, document) };
    } catch (error) {
      checked = { syntaxError: error as GraphQLError };
    }
    if (known.size >= 1_000) known.clear();
    known.set(query, checked);
  }
  return checked;
}

/** graphql-ruby's wording for what graphql-js words otherwise (what GitLab users see). */
function asGitLabError(error: GraphQLError) {
  const field = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(error.message);
  if (field) return { ...unknownField(field[1] ?? '', field[2] ?? ''), locations: error.locations };
  const argument = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/.exec(error.message);
  if (argument)
    return { ...unknownArgument(argument[3] ?? '', argument[1] ?? ''), locations: error.locations };
  return { message: error.message, locations: error.locations };
}

function unknownArgument(fieldName: string, argumentName: string) {
  return {
    message: `Field '${fieldName}' doesn't accept argument '${argumentName}'`,
    extensions: { code: 'argumentNotAccepted', name: fieldName, typeName: 'Field', argumentName },
  };
}

function unknownField(fieldName: string, typeName: string) {
  return {
    message: `Field '${fieldName}' doesn't exist on type '${typeName}'`,
    extensions: { code: 'undefinedField', typeName, fieldName },
  };
}
