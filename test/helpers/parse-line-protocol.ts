/** One parsed line of InfluxDB line protocol. */
export interface LinePoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, { type: 'integer' | 'unsigned' | 'float' | 'boolean' | 'string'; value: number | boolean | string }>;
  /** Nanoseconds since the epoch, when the line has one. */
  timestampNs?: bigint;
}

const INTEGER = /^-?\d+i$/;
const UNSIGNED = /^\d+u$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(['t', 'T', 'true', 'True', 'TRUE']);
const FALSE = new Set(['f', 'F', 'false', 'False', 'FALSE']);

/**
 * A strict reader: a backslash may only escape the characters the element allows to be
 * escaped (`,` and space in measurements; `,`, `=` and space in keys and tag values; all
 * plus the backslash itself), so lax or missing escaping fails instead of being guessed at.
 */
class Scanner {
  index = 0;

  constructor(
    private readonly line: string,
    private readonly lineNumber: number,
  ) {}

  fail(what: string): never {
    throw new SyntaxError(`line protocol line ${this.lineNumber}, column ${this.index + 1}: ${what}: ${this.line}`);
  }

  peek(): string | undefined {
    return this.line[this.index];
  }

  atEnd(): boolean {
    return this.index >= this.line.length;
  }

  /** Reads up to an unescaped stop character; `escapable` lists what a backslash may precede. */
  token(stops: string, escapable: string, what: string): string {
    let text = '';
    while (!this.atEnd() && !stops.includes(this.peek()!)) {
      const char = this.peek()!;
      this.index += 1;
      if (char !== '\\') {
        text += char;
        continue;
      }
      const escaped = this.peek();
      if (escaped === undefined || !escapable.includes(escaped)) this.fail(`bad escape in ${what}`);
      this.index += 1;
      text += escaped;
    }
    if (text === '') this.fail(`empty ${what}`);
    return text;
  }

  since(start: number): string {
    return this.line.slice(start, this.index);
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected "${char}"`);
    this.index += 1;
  }

  /** A double-quoted string field value; only \" and \\ are escapes. */
  quoted(): string {
    this.expect('"');
    let text = '';
    for (;;) {
      const char = this.peek();
      if (char === undefined) this.fail('unterminated string field');
      this.index += 1;
      if (char === '"') return text;
      if (char === '\\' && (this.peek() === '"' || this.peek() === '\\')) {
        text += this.peek();
        this.index += 1;
      } else {
        text += char;
      }
    }
  }
}

function fieldValue(scanner: Scanner): LinePoint['fields'][string] {
  if (scanner.peek() === '"') return { type: 'string', value: scanner.quoted() };
  const start = scanner.index;
  while (!scanner.atEnd() && scanner.peek() !== ',' && scanner.peek() !== ' ') scanner.index += 1;
  const text = scanner.since(start);
  if (INTEGER.test(text)) return { type: 'integer', value: Number(text.slice(0, -1)) };
  if (UNSIGNED.test(text)) return { type: 'unsigned', value: Number(text.slice(0, -1)) };
  if (FLOAT.test(text)) return { type: 'float', value: Number(text) };
  if (TRUE.has(text)) return { type: 'boolean', value: true };
  if (FALSE.has(text)) return { type: 'boolean', value: false };
  return scanner.fail(`not a field value: ${JSON.stringify(text)}`);
}

function parseLine(line: string, lineNumber: number): LinePoint {
  const scanner = new Scanner(line, lineNumber);
  const measurement = scanner.token(', ', ', \\', 'measurement');
  const tags: Record<string, string> = {};
  while (scanner.peek() === ',') {
    scanner.index += 1;
    const key = scanner.token('=, ', ',= \\', 'tag key');
    scanner.expect('=');
    if (key in tags) scanner.fail(`duplicate tag "${key}"`);
    tags[key] = scanner.token(', ', ',= \\', 'tag value');
  }
  scanner.expect(' ');
  const fields: LinePoint['fields'] = {};
  do {
    if (scanner.peek() === ',') scanner.index += 1;
    const key = scanner.token('=, ', ',= \\', 'field key');
    scanner.expect('=');
    if (key in fields) scanner.fail(`duplicate field "${key}"`);
    fields[key] = fieldValue(scanner);
  } while (scanner.peek() === ',');
  const point: LinePoint = { measurement, tags, fields };
  if (scanner.atEnd()) return point;
  scanner.expect(' ');
  const start = scanner.index;
  scanner.index = line.length;
  const timestamp = scanner.since(start);
  if (!/^-?\d+$/.test(timestamp)) scanner.fail('expected an integer timestamp');
  point.timestampNs = BigInt(timestamp);
  return point;
}

/** Parses every non-blank, non-comment line; throws SyntaxError at the first malformed one. */
export function parseLineProtocol(text: string): LinePoint[] {
  return text
    .split('\n')
    .map((line, index) => ({ line, lineNumber: index + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'))
    .map(({ line, lineNumber }) => parseLine(line, lineNumber));
}
