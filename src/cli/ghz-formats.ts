import { BenchError } from '../errors/bench-error.js';
import { didYouMean, nearestNames } from '../scenario/nearest-names.js';
import { REPORT_FORMATS } from '../types/report-formats.js';

/** ghz's `-O` names → grpc-bench's reporters of ghz's shapes. */
const GHZ_FORMATS: Readonly<Record<string, string>> = {
  summary: 'ghz-summary',
  csv: 'ghz-csv',
  json: 'ghz-json',
  pretty: 'ghz-pretty',
  html: 'ghz-html',
  'influx-summary': 'ghz-influx-summary',
  'influx-details': 'ghz-influx-details',
  prometheus: 'ghz-prometheus',
};

/** Prefix for grpc-bench's own format where ghz has one of the same name: `bench-json` is grpc-bench's report.json. */
const BENCH_PREFIX = 'bench-';

/** The names `grpc-bench ghz -O` takes. */
export const GHZ_FORMAT_NAMES: readonly string[] = [
  ...Object.keys(GHZ_FORMATS),
  ...REPORT_FORMATS.filter((name) => !name.startsWith('ghz-')).map((name) => (name in GHZ_FORMATS ? `${BENCH_PREFIX}${name}` : name)),
];

/** `-O` of `grpc-bench ghz` → a grpc-bench reporter name: ghz's names first, then grpc-bench's own. Throws USAGE. */
export function ghzFormat(name: string): string {
  const ghz = GHZ_FORMATS[name];
  if (ghz !== undefined) return ghz;
  const own = name.startsWith(BENCH_PREFIX) ? name.slice(BENCH_PREFIX.length) : name;
  if ((REPORT_FORMATS as readonly string[]).includes(own) && (own !== name || !(name in GHZ_FORMATS))) return own;
  throw new BenchError('USAGE', `-O/--format: unknown format "${name}"${didYouMean(nearestNames(name, GHZ_FORMAT_NAMES))} (one of ${GHZ_FORMAT_NAMES.join(', ')})`);
}
