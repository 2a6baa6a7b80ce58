/** One sample line of a Prometheus text exposition. */
export interface PrometheusSample {
  labels: Record<string, string>;
  /** The sample value; NaN, Infinity and -Infinity are kept as such. */
  value: number;
  /** The optional timestamp, in milliseconds since the Unix epoch. */
  timestampMs?: number;
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_NAME_START = /[a-zA-Z_]/;
const LABEL_NAME_CHAR = /[a-zA-Z0-9_]/;
const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n' };

/** Reads the tokens of one sample line, left to right. */
class LineScanner {
  private index = 0;

  constructor(
    private readonly line: string,
    private readonly lineNumber: number,
  ) {}

  fail(what: string): never {
    throw new SyntaxError(`Prometheus text line ${this.lineNumber}, column ${this.index + 1}: ${what}: ${this.line}`);
  }

  private peek(): string | undefined {
    return this.line[this.index];
  }

  /** Skips blanks and tabs; returns whether any were skipped. */
  skipBlanks(): boolean {
    const startIndex = this.index;
    while (this.peek() === ' ' || this.peek() === '\t') this.index += 1;
    return this.index > startIndex;
  }

  atEnd(): boolean {
    return this.index >= this.line.length;
  }

  accept(char: string): boolean {
    if (this.peek() !== char) return false;
    this.index += 1;
    return true;
  }

  identifier(start: RegExp, rest: RegExp, what: string): string {
    const startIndex = this.index;
    if (!start.test(this.peek() ?? '')) this.fail(`expected ${what}`);
    while (rest.test(this.peek() ?? '')) this.index += 1;
    return this.line.slice(startIndex, this.index);
  }

  /** A double-quoted label value with \\, \" and \n escapes; other escapes are kept verbatim. */
  quoted(): string {
    if (!this.accept('"')) this.fail('expected a quoted label value');
    let text = '';
    for (;;) {
      const char = this.peek();
      if (char === undefined) this.fail('unterminated label value');
      this.index += 1;
      if (char === '"') return text;
      if (char !== '\\') {
        text += char;
        continue;
      }
      const escaped = this.peek();
      if (escaped === undefined) this.fail('unterminated label value');
      this.index += 1;
      text += ESCAPES[escaped] ?? `\\${escaped}`;
    }
  }

  /** The next run of non-blank characters. */
  word(): string {
    const startIndex = this.index;
    while (!this.atEnd() && this.peek() !== ' ' && this.peek() !== '\t') this.index += 1;
    return this.line.slice(startIndex, this.index);
  }
}

function parseLabels(scanner: LineScanner): Record<string, string> {
  const entries: Array<[string, string]> = [];
  const seen = new Set<string>();
  scanner.skipBlanks();
  while (!scanner.accept('}')) {
    const name = scanner.identifier(LABEL_NAME_START, LABEL_NAME_CHAR, 'a label name');
    if (seen.has(name)) scanner.fail(`duplicate label "${name}"`);
    seen.add(name);
    scanner.skipBlanks();
    if (!scanner.accept('=')) scanner.fail('expected "="');
    scanner.skipBlanks();
    entries.push([name, scanner.quoted()]);
    scanner.skipBlanks();
    if (scanner.accept(',')) {
      scanner.skipBlanks();
    } else if (!scanner.accept('}')) {
      scanner.fail('expected "," or "}"');
    } else {
      break;
    }
  }
  // fromEntries defines own properties, so even a label named __proto__ survives.
  return Object.fromEntries(entries);
}

/** Go's float syntax plus NaN and ±Inf in any case; undefined if not a number. */
function parseValue(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (text === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return undefined;
  return Number(text);
}

function parseSampleLine(line: string, lineNumber: number): { name: string; sample: PrometheusSample } {
  const scanner: LineScanner = new LineScanner(line, lineNumber);
  const name = scanner.identifier(NAME_START, NAME_CHAR, 'a metric name');
  const blankAfterName = scanner.skipBlanks();
  const hasLabels = scanner.accept('{');
  const labels = hasLabels ? parseLabels(scanner) : {};
  if (!scanner.skipBlanks() && !(hasLabels || blankAfterName)) scanner.fail('expected a blank before the value');
  const value = parseValue(scanner.word());
  if (value === undefined) scanner.fail('expected a number, NaN or ±Inf');
  const sample: PrometheusSample = { labels, value };
  scanner.skipBlanks();
  if (!scanner.atEnd() && !scanner.accept('#')) {
    const timestamp = scanner.word();
    if (!/^-?\d+$/.test(timestamp)) scanner.fail('expected an integer timestamp in milliseconds');
    sample.timestampMs = Number(timestamp);
    scanner.skipBlanks();
    // Anything after "#" here is an OpenMetrics exemplar, which carries no sample data.
    if (!scanner.atEnd() && !scanner.accept('#')) scanner.fail('unexpected text after the timestamp');
  }
  return { name, sample };
}

/**
 * Parses the Prometheus text exposition format (version 0.0.4) into samples grouped by
 * the metric name as written on each line, so a histogram `h` yields `h_bucket`, `h_sum`
 * and `h_count` entries. `# HELP`, `# TYPE` and every other comment or blank line is
 * skipped; label values are unescaped; NaN, +Inf and -Inf become the matching numbers;
 * trailing timestamps are kept as `timestampMs`. OpenMetrics exemplars and `# EOF` are
 * tolerated. Quoted (UTF-8) metric names are not supported.
 *
 * Throws SyntaxError naming the line and column of the first malformed sample line.
 */
export function parsePrometheusText(text: string): Map<string, PrometheusSample[]> {
  const metrics = new Map<string, PrometheusSample[]>();
  const lines = text.split('\n');
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.replace(/\r$/, '').replace(/^[ \t]+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const { name, sample } = parseSampleLine(line, index + 1);
    const samples = metrics.get(name);
    if (samples === undefined) metrics.set(name, [sample]);
    else samples.push(sample);
  }
  return metrics;
}
