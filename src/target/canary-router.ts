import type { ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { CreateOrderRequest, CreateOrderResponse } from './order-messages.js';
import type { OrderService } from './order-service.js';

/** The route rule of a header-based canary, as an Envoy/Istio route would have it. */
export interface CanaryRule {
  /** Streams whose metadata has this header with this value go to the canary. */
  header?: { name: string; value: string };
  /** Share (0..1) of the other streams that go to the canary at random. */
  weight: number;
}

/** Parses "x-user-group=internal-testers" into a header match. */
export function parseHeaderMatch(text: string): { name: string; value: string } | undefined {
  const at = text.indexOf('=');
  if (at <= 0) return undefined;
  return { name: text.slice(0, at).trim().toLowerCase(), value: text.slice(at + 1).trim() };
}

/**
 * Serves a stable and a canary version behind one route rule, per stream: the header match
 * first, then the weight. Like a mesh route, the choice is made once when the stream opens.
 */
export function createCanaryRouter(stable: OrderService, canary: OrderService, rule: CanaryRule): UntypedServiceImplementation {
  const toStable = stable.implementation['CreateOrderStream'] as (call: ServerDuplexStream<CreateOrderRequest, CreateOrderResponse>) => void;
  const toCanary = canary.implementation['CreateOrderStream'] as typeof toStable;
  return {
    CreateOrderStream(call: ServerDuplexStream<CreateOrderRequest, CreateOrderResponse>) {
      const headerValues = rule.header ? call.metadata.get(rule.header.name).map(String) : [];
      const matched = rule.header !== undefined && headerValues.includes(rule.header.value);
      if (matched || (rule.weight > 0 && Math.random() < rule.weight)) toCanary(call);
      else toStable(call);
    },
  };
}
