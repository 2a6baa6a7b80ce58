import { scenarioJsonSchema } from './scenario-json-schema.js';

type JsonSchema = { $ref?: string; $defs?: Record<string, JsonSchema>; default?: unknown; properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; additionalProperties?: JsonSchema | boolean };

let root: JsonSchema | undefined;

/** A schema with its `$ref` (to the root's `$defs`, as recursive parts such as a flow's steps are) followed. */
function resolved(schema: JsonSchema): JsonSchema {
  const name = schema.$ref?.startsWith('#/$defs/') ? schema.$ref.slice('#/$defs/'.length) : undefined;
  return name === undefined ? schema : (root?.$defs?.[name] ?? schema);
}

/** The schemas a value at `key` below `schema` may match (a union holds several). */
function below(given: JsonSchema, key: PropertyKey): JsonSchema[] {
  const schema = resolved(given);
  const branches = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  if (branches.length) return branches.flatMap((branch) => below(branch, key));
  if (typeof key === 'number' || /^\d+$/.test(String(key))) return schema.items ? [schema.items] : [];
  const property = schema.properties?.[String(key)];
  if (property) return [property];
  return typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : [];
}

function keysOf(given: JsonSchema): string[] {
  const schema = resolved(given);
  const branches = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
  return [...Object.keys(schema.properties ?? {}), ...branches.flatMap(keysOf)];
}

/**
 * The keys the scenario takes in the mapping at `path` (`['load']` → streams, connections, …),
 * read from the one schema, so a mistyped key can be matched to the nearest valid one.
 */
export function scenarioKeysAt(path: ReadonlyArray<PropertyKey>): string[] {
  return [...new Set(schemasAt(path).flatMap(keysOf))];
}

function schemasAt(path: ReadonlyArray<PropertyKey>): JsonSchema[] {
  root ??= scenarioJsonSchema() as JsonSchema;
  let schemas = [root];
  for (const key of path) schemas = schemas.flatMap((schema) => below(schema, key));
  return schemas;
}

/** The schema's default for the key at `path` (`['load', 'streams']` → 10), for `--help`; none for an empty map or list. */
export function scenarioDefaultAt(path: ReadonlyArray<PropertyKey>): string | undefined {
  const value = schemasAt(path).find((schema) => schema.default !== undefined)?.default;
  if (value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0)) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}
