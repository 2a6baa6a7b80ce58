import * as hdr from 'hdr-histogram-js';

/**
 * The one owner of HDR histogram parameters. Latencies are recorded in whole microseconds,
 * from 1 µs to 1 hour, with 3 significant digits (≤ 0.1 % error on every percentile).
 * Values above the range are clamped to it rather than lost, so counts always reconcile.
 */
export const LOWEST_US = 1;
export const HIGHEST_US = 3_600_000_000;
export const SIGNIFICANT_DIGITS = 3;

export type LatencyHistogram = hdr.Histogram;

let fastRecording = false;

/**
 * Switches this thread's recording histograms to the WebAssembly build (about 5× faster per
 * value). Workers call it once; such histograms must be `destroy()`ed — see disposeHistograms.
 */
export async function enableFastRecording(): Promise<void> {
  await hdr.initWebAssembly();
  fastRecording = true;
}

/**
 * A histogram to record into. Merging and summaries (the main thread) use the JS build, which
 * decodes what either build encodes; the two builds are never mixed in one `add()`.
 */
export function createLatencyHistogram(options: { recording?: boolean } = {}): LatencyHistogram {
  return hdr.build({
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    bitBucketSize: 32,
    autoResize: false,
    useWebAssembly: Boolean(options.recording) && fastRecording,
  });
}

/** Frees recording histograms (WebAssembly memory is not garbage-collected). */
export function disposeHistograms(histograms: Iterable<LatencyHistogram>): void {
  for (const histogram of histograms) histogram.destroy();
}

/** Records one latency; sub-microsecond values count as 1 µs. */
export function recordLatencyUs(histogram: LatencyHistogram, latencyUs: number): void {
  histogram.recordValue(latencyUs < LOWEST_US ? LOWEST_US : latencyUs > HIGHEST_US ? HIGHEST_US : Math.round(latencyUs));
}

/** Compressed base64, the HdrHistogram interchange format: what workers send and reports keep. */
export function encodeHistogram(histogram: LatencyHistogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): LatencyHistogram {
  const decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
  // Decoding sizes the histogram to its content; widen it so later merges never overflow.
  const histogram = createLatencyHistogram();
  histogram.add(decoded);
  return histogram;
}

/** Lossless merge: every recorded count lands in the same bucket of the result. */
export function mergeHistograms(encoded: ReadonlyArray<string>): LatencyHistogram {
  const merged = createLatencyHistogram();
  for (const one of encoded) merged.add(decodeHistogram(one));
  return merged;
}

/** The part of the JS build's recorded-values iterator read here (not in the public typings). */
interface RecordedValues {
  reset(): void;
  hasNext(): boolean;
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
}

/** Calls `visit` with each distinct recorded value (µs) and how often it was recorded, in rising order. */
export function forEachRecordedValue(histogram: LatencyHistogram, visit: (valueUs: number, count: number) => void): void {
  const iterator = (histogram as unknown as { recordedValuesIterator: RecordedValues }).recordedValuesIterator;
  iterator.reset();
  while (iterator.hasNext()) {
    const step = iterator.next();
    visit(step.valueIteratedTo, step.countAtValueIteratedTo);
  }
}
