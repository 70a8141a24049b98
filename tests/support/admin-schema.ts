/** Shopify's real Admin GraphQL schema (pinned introspection of API_VERSION) and operation checks. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import {
  buildClientSchema,
  getOperationAST,
  parse,
  validate,
  type GraphQLError,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import { getVariableValues } from "graphql/execution/values";
import { API_VERSION } from "~/shopify/api-version";

let schema: GraphQLSchema | undefined;

export function adminSchema(): GraphQLSchema {
  if (!schema) {
    const file = path.join(__dirname, "fixtures/admin-schema", `admin_${API_VERSION}.introspection.json.gz`);
    const { data } = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { data: IntrospectionQuery };
    schema = buildClientSchema(data);
  }
  return schema;
}

/** Validation errors of an operation (and of its variables, when given) against the Admin schema. */
export function validateOperation(query: string, variables?: Record<string, unknown>): readonly GraphQLError[] {
  const document = parse(query);
  const errors = validate(adminSchema(), document);
  if (errors.length || variables === undefined) return errors;
  const operation = getOperationAST(document);
  if (!operation) return errors;
  const coerced = getVariableValues(adminSchema(), operation.variableDefinitions ?? [], variables);
  return coerced.errors ?? [];
}

export function operationName(query: string): string | null {
  return getOperationAST(parse(query))?.name?.value ?? null;
}
