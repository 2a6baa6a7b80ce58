import { isSecretKey, REDACTED } from './redact-metadata.js';

/** Runs of a secret this long or longer are found anywhere in a text; a secret shorter than this, whole. */
const MIN_RUN_CHARS = 6;
/** Distinct texts whose redaction is remembered (error details repeat, stream after stream). */
const MEMO_SIZE = 200;

/** The forms a value takes in error texts: as sent, JSON-escaped, percent-encoded (grpc-message), base64. */
function formsOf(value: string): string[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), Buffer.from(value).toString('base64').replace(/=+$/, '')]);
  return [...forms].filter((form) => form.length > 0);
}

/** Marks in `hidden` every character of `text` inside a run of `form` at least `run` long. */
function markRuns(text: string, form: string, run: number, hidden: boolean[]): void {
  for (let start = 0; start + run <= form.length; start++) {
    const piece = form.slice(start, start + run);
    for (let at = text.indexOf(piece); at >= 0; at = text.indexOf(piece, at + 1)) {
      for (let i = at; i < at + run; i++) hidden[i] = true;
    }
  }
}

/**
 * A function that removes the values of secret-looking metadata keys (isSecretKey) from a
 * text, e.g. an error a server or a library built from the request headers: every run of six
 * or more characters of a secret (a shorter secret: the whole of it), in any of the forms the
 * value takes on the way, becomes "[redacted]". Undefined when no value is secret, so that a
 * run without secrets pays nothing.
 */
export function secretRedactor(...maps: ReadonlyArray<Record<string, string> | undefined>): ((text: string) => string) | undefined {
  const forms = maps.flatMap((map) => Object.entries(map ?? {}).filter(([key, value]) => isSecretKey(key) && value.length > 0).flatMap(([, value]) => formsOf(value)));
  if (forms.length === 0) return undefined;
  const memo = new Map<string, string>();
  return (text) => {
    const known = memo.get(text);
    if (known !== undefined) return known;
    const hidden = new Array<boolean>(text.length).fill(false);
    for (const form of forms) markRuns(text, form, Math.min(MIN_RUN_CHARS, form.length), hidden);
    let redacted = '';
    for (let i = 0; i < text.length; i++) {
      if (!hidden[i]) redacted += text[i];
      else if (i === 0 || !hidden[i - 1]) redacted += REDACTED;
    }
    if (memo.size < MEMO_SIZE) memo.set(text, redacted);
    return redacted;
  };
}
