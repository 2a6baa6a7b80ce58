import { z } from 'zod';
import { BUILT_IN_TAGS } from './template-tags.js';
import { positiveDurationSchema, positiveIntSchema } from './duration-schema.js';
import type { FlowSettings } from '../types/flow-settings.js';

/**
 * The `stream.flow` section: what one stream says and waits for, step by step, so that a
 * conversation that is not one-for-one (an order answered ACCEPTED, RESERVED, then confirmed)
 * can be described in the scenario. See docs/flows.md.
 */

const NAME = /^[A-Za-z_][\w-]*$/;
const VARIABLE = /^[A-Za-z_]\w*$/;

const stepName = z.string({ error: 'expected a step name' }).regex(NAME, 'expected a name of letters, digits, "_" or "-"');

/** A response field, nested fields joined by dots: `status`, `stock.sku_id`. */
const fieldPath = z.string().regex(/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/, 'expected a response field such as status or stock.sku_id');

// Described one by one so that the JSON Schema keeps an anyOf (strict validators refuse a list of types).
const scalar = z.union([z.string().meta({ description: 'equal to this text (or enum name)' }), z.number().meta({ description: 'equal to this number' }), z.boolean().meta({ description: 'equal to this bool' })]);

/** What one field must be: this value, one of these values, or present (set) / absent; text may hold captured {{variables}}. */
const fieldCondition = z.union([scalar, z.array(scalar).min(1, 'expected at least one value'), z.strictObject({ present: z.boolean() })], {
  error: 'expected a value (equal to), a list of values (one of) or { present: true } / { present: false }',
});

/** Every field condition must hold (an empty predicate matches nothing useful, so it is refused). */
const predicate = z
  .record(fieldPath, fieldCondition, { error: 'expected a mapping of response fields to conditions, such as { status: RESERVED }' })
  .refine((fields) => Object.keys(fields).length > 0, { error: 'expected at least one field condition' });

const sendStep = z.strictObject({
  /** The step's name. */
  send: stepName,
  /** The request message, templated like `data` (plus the flow's captured variables as {{name}}); default: `data`. */
  message: z.record(z.string(), z.unknown()).optional(),
});

const awaitStep = z.strictObject({
  /** The step's name; thresholds refer to it as step.<name>.p99 and the like. */
  await: stepName,
  /** The response that ends the wait; the flow run's responses before it are counted as intermediate. Omitted: the flow run's next response (not an unsolicited one) ends it. */
  until: predicate.optional(),
  /** From the flow's latest send; past it the flow ends as DEADLINE_EXCEEDED. */
  within: positiveDurationSchema,
  /** Variables taken from the matching response: variable → response field. */
  capture: z
    .record(
      z.string().regex(VARIABLE, 'expected a variable name of letters, digits and "_"').refine((name) => !BUILT_IN_TAGS.includes(name), { error: `must not be a built-in template (${BUILT_IN_TAGS.join(', ')})` }),
      fieldPath,
    )
    .optional(),
  /** Named assertions on the matching response, counted as passes and fails (thresholds: checks.<name>.rate). */
  checks: z.record(z.string().regex(NAME, 'expected a check name of letters, digits, "_" or "-"'), predicate).optional(),
});

const pauseStep = z.strictObject({
  /** Waits this long before the next step. */
  pause: positiveDurationSchema,
});

const repeatStep = z.strictObject({
  /** Runs `steps` this many times in a row. */
  repeat: positiveIntSchema,
  get steps() {
    return flowStepsSchema;
  },
});

const STEP_KINDS = { send: sendStep, await: awaitStep, pause: pauseStep, repeat: repeatStep } as const;
type StepKind = keyof typeof STEP_KINDS;
const KIND_NAMES = Object.keys(STEP_KINDS) as StepKind[];

/**
 * Picks the step's kind by its one kind key and reports that kind's problems only, so that
 * a mistyped field reads `unknown key "wthin"`, not one complaint per kind it is not.
 */
function checkStepKind(value: unknown, ctx: z.RefinementCtx): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: `expected a step: a mapping with one of ${KIND_NAMES.join(', ')}` });
    return value;
  }
  const kinds = KIND_NAMES.filter((kind) => Object.hasOwn(value, kind));
  if (kinds.length !== 1) {
    const problem = kinds.length === 0 ? `expected one of ${KIND_NAMES.join(', ')} in each step, got keys ${Object.keys(value).join(', ') || 'none'}` : `expected one step kind per step, got ${kinds.join(' and ')}`;
    ctx.addIssue({ code: 'custom', message: problem });
    return value;
  }
  const result = STEP_KINDS[kinds[0]!].safeParse(value);
  if (!result.success) for (const issue of result.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
  return value;
}

const flowStepSchema = z.preprocess(checkStepKind, z.union([sendStep, awaitStep, pauseStep, repeatStep]));

const flowStepsSchema: z.ZodArray<typeof flowStepSchema> = z.array(flowStepSchema).min(1, 'expected at least one step').meta({ id: 'flowSteps' });

export const flowSchema = z.strictObject({
  /** The steps, run from the top again after the last one for as long as the stream lives. */
  steps: flowStepsSchema,
  /** Responses that answer no request (server pushes): counted apart and never offered to an await. */
  unsolicited: predicate.optional(),
  /** After an await times out: `continue` the stream with the next flow, or `reopen` it. */
  onTimeout: z.enum(['continue', 'reopen']).default('continue'),
});

export type Flow = z.output<typeof flowSchema>;
export type FlowStep = z.output<typeof flowStepSchema>;
export type ResponsePredicate = z.output<typeof predicate>;
export type FieldCondition = z.output<typeof fieldCondition>;
export type SendStep = z.output<typeof sendStep>;
export type AwaitStep = z.output<typeof awaitStep>;
export type RepeatStep = z.output<typeof repeatStep>;

/** The workers get the flow as FlowSettings: the schema's output must stay assignable to it. */
export const flowFitsSettings = (flow: Flow): FlowSettings => flow;
