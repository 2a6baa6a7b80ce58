import type { Scenario } from '../scenario/scenario-schema.js';
import type { CallKind } from '../types/call-kind.js';

/**
 * ghz's --rps and --load-* rates are calls/s; the scenario's `load.rate` (and each stage's) is
 * request messages/s. Only a client-streaming or bidi call sends `messagesPerCall` requests
 * (--stream-call-count, or the data list); a unary call sends one (a data list is round-robin
 * over calls) and so does a server-streaming call (--stream-call-count counts its replies). So
 * ghz's rates become the scenario's once the method's kind is known (from the proto or by reflection).
 */
export function ghzRatesForKind(scenario: Scenario, kind: CallKind, messagesPerCall: number | undefined): Scenario {
  const sendsPerCall = kind === 'clientStreaming' || kind === 'bidi' ? (messagesPerCall ?? 1) : 1;
  if (sendsPerCall === 1) return scenario;
  const { load } = scenario;
  return {
    ...scenario,
    load: {
      ...load,
      ...(load.rate === undefined ? {} : { rate: load.rate * sendsPerCall }),
      ...(load.stages ? { stages: load.stages.map((stage) => (stage.rate === undefined ? stage : { ...stage, rate: stage.rate * sendsPerCall })) } : {}),
    },
  };
}
