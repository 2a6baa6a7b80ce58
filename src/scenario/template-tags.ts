/** Every `{{ tag }}` in a string; the tag's text (name and arguments) is group 1. */
export const TEMPLATE_TAG = /\{\{\s*([^}]*?)\s*\}\}/g;

/**
 * The tags every template knows (compileMessageTemplate renders each); ghz's call variables
 * (`.RequestNumber` …) and a flow's captured variables come on top.
 */
export const BUILT_IN_TAGS: ReadonlyArray<string> = [
  'requestId', 'streamId', 'workerId', 'messageIndex', 'uuid',
  'timestamp', 'timestampSeconds', 'timestampNanos', 'timestampIso',
  'randomInt', 'randomString',
  'inputName', 'outputName', 'isClientStreaming', 'isServerStreaming',
];

/** The name of every tag in `text` (`{{randomInt 1 5}}` → randomInt), in order. */
export function templateTagNames(text: string): string[] {
  return [...text.matchAll(TEMPLATE_TAG)].map((match) => match[1]!.split(/\s+/)[0]!);
}

/** ghz's call variables (`{{.RequestNumber}}` …, named here without the dot), each translated by ghzVariableTemplate. */
export const GHZ_VARIABLES: ReadonlyArray<string> = [
  'RequestNumber', 'WorkerID', 'UUID', 'Timestamp', 'TimestampUnix', 'TimestampUnixMilli', 'TimestampUnixNano',
  'FullyQualifiedName', 'MethodName', 'ServiceName', 'InputName', 'OutputName', 'IsClientStreaming', 'IsServerStreaming',
];
