import { isBase64, isBinaryKey } from '../grpc/binary-metadata.js';
import { isSecretKey } from '../redact/redact-metadata.js';

/** gRPC's ASCII-Value: space and printable ASCII (0x20-0x7E). */
const ASCII_VALUE = /^[\x20-\x7e]*$/;

function describeCharacter(char: string, secret: boolean): string {
  const code = char.codePointAt(0)!;
  const kind = char === '\n' || char === '\r' ? 'a line break' : code < 0x20 || code === 0x7f ? 'a control character' : 'a non-ASCII character';
  // Under a secret key even one character of the value is not shown.
  return secret ? kind : `${kind} (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/**
 * Why `value` cannot be sent under `key`, or undefined when it can. The text never quotes
 * the value (the caller shows it, redacted under a secret key), and under a secret key it
 * does not name the offending character either: the position is enough to find it.
 */
export function metadataValueProblem(key: string, value: string): string | undefined {
  const name = key.toLowerCase();
  if (isBinaryKey(name)) return isBase64(value) ? undefined : 'a "-bin" key carries bytes: expected them in base64';
  if (!ASCII_VALUE.test(value)) {
    const chars = [...value];
    const at = chars.findIndex((char) => !ASCII_VALUE.test(char));
    return `the value has ${describeCharacter(chars[at]!, isSecretKey(name))} at character ${at + 1}; expected space and printable ASCII (0x20-0x7E) only, or a key ending in "-bin" for bytes in base64`;
  }
  if (value !== value.trim()) return 'the value starts or ends with a space, which gRPC may strip on the way; expected none';
  return undefined;
}
