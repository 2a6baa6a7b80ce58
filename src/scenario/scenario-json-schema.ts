import { z } from 'zod';
import { scenarioSchema } from './scenario-schema.js';

/** Where the generated schema is kept, relative to the package root. */
export const SCENARIO_JSON_SCHEMA_PATH = 'schema/scenario.schema.json';

/**
 * The scenario's JSON Schema (draft 2020-12), derived from the one zod schema: the input side,
 * as written in a YAML file (durations are strings, defaulted keys optional). Editors use it for
 * completion and early squiggles; checks a JSON Schema cannot express (durations, threshold
 * conditions, connections ≤ streams, report format names) are left to `grpc-bench validate`.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return {
    $schema,
    title: 'grpc-bench scenario',
    description: `A grpc-bench scenario file. Generated from src/scenario/scenario-schema.ts by \`npm run schema\`; do not edit by hand.`,
    ...rest,
  };
}

/** The file's exact text: two-space JSON and a final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
