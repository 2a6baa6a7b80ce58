/** Every `{{ tag }}` in a string; the tag's text (name and arguments) is group 1. */
export const TEMPLATE_TAG = /\{\{\s*([^}]*?)\s*\}\}/g;

/** The tags every template knows; a flow's captured variables come on top. */
export const BUILT_IN_TAGS: ReadonlyArray<string> = ['requestId', 'streamId', 'workerId', 'messageIndex', 'uuid', 'timestamp', 'randomInt', 'randomString'];

/** The name of every tag in `text` (`{{randomInt 1 5}}` → randomInt), in order. */
export function templateTagNames(text: string): string[] {
  return [...text.matchAll(TEMPLATE_TAG)].map((match) => match[1]!.split(/\s+/)[0]!);
}
