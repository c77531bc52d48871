import {
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * GitLab's query complexity and depth, computed on the parsed query against the schema the way
 * GitLab configures graphql-ruby (`gitlab_schema.rb`, `Types::BaseField`, `Resolvers::BaseResolver`):
 * - a plain field costs 1 plus its selections;
 * - a connection field (its type is a `…Connection`, all resolver-backed in what we query) costs
 *   (selections + resolver cost) × (1 + min(first ?? last ?? 100, 100) × 0.01), truncated;
 *   resolver cost 1, +1 when its definition has a `sort` argument, +5 when `search` is given;
 *   `pipelines` adds 1 (it calls Gitaly) and 2 for each of `sha` and `ref` given;
 * - `timelogs` on `Query` and on a user (`User.timelogs`) is fixed at 5 plus its selections.
 * Written from those rules, independently of the app's own estimate (src/gitlab/graphql-complexity.ts).
 */
export interface QueryCost {
  complexity: number;
  depth: number;
}

export function queryCost(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): QueryCost {
  const root = schema.getQueryType();
  if (!root || !operation.selectionSet) return { complexity: 0, depth: 0 };
  return selectionCost(root, operation.selectionSet, variables, 1);
}

function selectionCost(
  parent: GraphQLNamedType,
  selectionSet: SelectionSetNode,
  variables: Record<string, unknown>,
  depth: number,
): QueryCost {
  let complexity = 0;
  let maxDepth = depth;
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue; // the app sends no fragments
    const cost = fieldCost(parent, selection, variables, depth);
    complexity += cost.complexity;
    maxDepth = Math.max(maxDepth, cost.depth);
  }
  return { complexity, depth: maxDepth };
}

function fieldCost(
  parent: GraphQLNamedType,
  node: FieldNode,
  variables: Record<string, unknown>,
  depth: number,
): QueryCost {
  const definition = isObjectType(parent) ? parent.getFields()[node.name.value] : undefined;
  if (!definition) return { complexity: 1, depth };
  const type = getNamedType(definition.type);
  const children = node.selectionSet
    ? selectionCost(type, node.selectionSet, variables, depth + 1)
    : { complexity: 0, depth };
  const args = argumentValues(node, variables);
  const onUser = isObjectType(parent) && parent.getInterfaces().some((face) => face.name === 'User');
  if ((parent.name === 'Query' || onUser) && node.name.value === 'timelogs') {
    return { complexity: 5 + children.complexity, depth: children.depth };
  }
  if (type.name.endsWith('Connection')) {
    const first = Math.min(100, numberOr(args['first'], numberOr(args['last'], 100)));
    const resolver = 1 + resolverExtra(definition, node.name.value, args);
    return {
      complexity: Math.trunc((children.complexity + resolver) * (1 + first * 0.01)),
      depth: children.depth,
    };
  }
  return { complexity: 1 + children.complexity, depth: children.depth };
}

function resolverExtra(
  definition: GraphQLField<unknown, unknown>,
  name: string,
  args: Record<string, unknown>,
): number {
  let extra = 0;
  if (definition.args.some((arg) => arg.name === 'sort')) extra += 1;
  if (args['search'] !== undefined && args['search'] !== null) extra += 5;
  if (name === 'pipelines') {
    extra += 1;
    for (const key of ['sha', 'ref']) if (args[key] !== undefined && args[key] !== null) extra += 2;
  }
  return extra;
}

function argumentValues(node: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const argument of node.arguments ?? [])
    values[argument.name.value] = literal(argument.value, variables);
  return values;
}

function literal(value: ValueNode, variables: Record<string, unknown>): unknown {
  switch (value.kind) {
    case Kind.VARIABLE:
      return variables[value.name.value];
    case Kind.INT:
    case Kind.FLOAT:
      return Number(value.value);
    case Kind.STRING:
    case Kind.ENUM:
      return value.value;
    case Kind.BOOLEAN:
      return value.value;
    default:
      return value.kind === Kind.NULL ? null : true;
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}
