import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load-scenario.js';
import { SCENARIO_JSON_SCHEMA_PATH, scenarioJsonSchema, scenarioJsonSchemaText } from '../../src/scenario/scenario-json-schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIOS_DIR = join(ROOT, 'scenarios');
const EXAMPLES = readdirSync(SCENARIOS_DIR).filter((name) => /\.ya?ml$/.test(name)).sort();
const SCHEMA_LINE = '# yaml-language-server: $schema=../schema/scenario.schema.json';

/** A real JSON Schema validator over the committed file, as an editor would use it. */
function compileCommitted() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addFormat('uri', (text: string) => URL.canParse(text));
  return ajv.compile(JSON.parse(readFileSync(join(ROOT, SCENARIO_JSON_SCHEMA_PATH), 'utf8')) as object);
}

describe('scenario JSON Schema', () => {
  it(`${SCENARIO_JSON_SCHEMA_PATH} is what the generator produces now (run \`npm run schema\` after changing the zod schema)`, () => {
    const committed = readFileSync(join(ROOT, SCENARIO_JSON_SCHEMA_PATH), 'utf8');

    expect(committed).toBe(scenarioJsonSchemaText());
  });

  it('is a draft 2020-12 schema that rejects unknown keys at every level', () => {
    const schema = scenarioJsonSchema() as { $schema: string; additionalProperties: boolean; properties: Record<string, { additionalProperties?: boolean }> };

    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    for (const key of ['load', 'stream', 'output', 'monitor']) expect(schema.properties[key]?.additionalProperties, key).toBe(false);
  });

  it('finds the example scenarios', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(3);
  });

  it.each(EXAMPLES)('scenarios/%s validates against it, names it on its first line, and loads', (name) => {
    const validate = compileCommitted();
    const text = readFileSync(join(SCENARIOS_DIR, name), 'utf8');

    const valid = validate(parse(text));

    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
    expect(text.split('\n')[0]).toBe(SCHEMA_LINE);
    expect(() => loadScenario({ file: join(SCENARIOS_DIR, name) })).not.toThrow();
  });

  it.each([
    ['an unknown key', { lod: { streams: 1 } }],
    ['an unknown nested key', { load: { stream: 1 } }],
    ['a count given as text', { load: { streams: 'ten' } }],
    ['a boolean given as text', { insecure: 'yes' }],
    ['a zero count', { load: { streams: 0 } }],
    ['a fractional count', { stream: { window: 1.5 } }],
    ['a bad call name', { call: 'no-slash' }],
    ['an unknown flow step field', { stream: { flow: { steps: [{ send: 'order', mesage: {} }] } } }],
    ['a flow step of two kinds', { stream: { flow: { steps: [{ send: 'order', pause: '1ms' }] } } }],
    ['a flow await without within', { stream: { flow: { steps: [{ await: 'reserved', until: { status: 'RESERVED' } }] } } }],
  ])('rejects %s, as the zod schema does', (_what, document) => {
    const validate = compileCommitted();

    expect(validate(document)).toBe(false);
    expect(() => loadScenario({ overrides: document as never })).toThrow();
  });

  it('accepts an empty document (every key has a default)', () => {
    expect(compileCommitted()({})).toBe(true);
  });
});
