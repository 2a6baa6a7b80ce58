import type { CompiledMessage } from '../scenario/compile-message-template.js';
import type { RequestFramer } from './spliced-request-framer.js';

/** Set on a message a flow's send step built: the index of its template in the transport's `requestTemplates`. */
export const TEMPLATE_INDEX = Symbol('grpc-bench.templateIndex');

type Tagged = Record<string, unknown> & { [TEMPLATE_INDEX]?: number };

/** Tags every message `template` builds with `index`; a static template (one shared, maybe frozen object) is left as it is. */
export function tagTemplate(template: CompiledMessage, index: number): CompiledMessage['build'] {
  if (template.isStatic) return template.build;
  const build = template.build;
  return (context) => {
    const message = build(context) as Tagged;
    message[TEMPLATE_INDEX] = index;
    return message;
  };
}

/**
 * Several templates (a flow's sends): each tagged message goes through its own template's spliced
 * framer when there is one (`splice` returns undefined otherwise), anything else through `fallback`.
 */
export function routeByTemplate(templates: readonly CompiledMessage[], splice: (template: CompiledMessage) => RequestFramer | undefined, fallback: RequestFramer): RequestFramer {
  const framers = templates.map((template) => (template.isStatic ? undefined : splice(template)));
  return (message) => {
    const index = (message as Tagged)[TEMPLATE_INDEX];
    const framer = index === undefined ? undefined : framers[index];
    return framer ? framer(message) : fallback(message);
  };
}
