import type { CompiledMessage } from '../scenario/compile-message-template.js';
import type { RequestFramer } from './spliced-request-framer.js';

/** Set on a message a flow's send step built: the index of its template in the transport's `requestTemplates`. */
export const TEMPLATE_INDEX = Symbol('grpc-bench.templateIndex');

type Tagged = Record<string, unknown> & { [TEMPLATE_INDEX]?: number };

/**
 * `data` marked with its template's index, to compile the template from: every message it builds
 * is born with the mark (added to a built message instead, it would cost more than building it).
 */
export function tagData(data: Record<string, unknown>, index: number): Record<string, unknown> {
  return { ...data, [TEMPLATE_INDEX]: index };
}

/**
 * Several templates (a flow's sends): each tagged message goes through its own template's spliced
 * framer when there is one (`splice` returns undefined otherwise), anything else through `fallback`.
 * Every message is built by one of `templates`: with one, its framer serves them all unrouted
 * (a call through the table costs the framer its inlining, ~50 ns a message).
 */
export function routeByTemplate(templates: readonly CompiledMessage[], splice: (template: CompiledMessage) => RequestFramer | undefined, fallback: RequestFramer): RequestFramer {
  const framers = templates.map((template) => (template.isStatic ? undefined : splice(template)));
  if (framers.length === 1) return framers[0] ?? fallback;
  return (message) => {
    const index = (message as Tagged)[TEMPLATE_INDEX];
    const framer = index === undefined ? undefined : framers[index];
    return framer ? framer(message) : fallback(message);
  };
}
