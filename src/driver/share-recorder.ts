import { MAX_SPLIT_VERSIONS, OTHER_VERSION } from './split-versions.js';
import { createLatencyHistogram, disposeHistograms, encodeHistogram, recordLatencyUs, type LatencyHistogram } from '../stats/latency-histogram.js';
import { addCounters, emptyCounters, type IntervalSnapshot, type LabelledLatencies, type WorkerCounters, type WorkerResult } from '../types/worker-protocol.js';
import { CallReservoir } from '../stats/call-reservoir.js';
import { ErrorTally } from './error-tally.js';
import type { SendTimes } from './pending-requests.js';
import { REFUSED_STREAM_DETAILS } from './refused-stream.js';
import type { StreamOutcome } from './stream-driver.js';

export interface ShareRecorderOptions {
  /** Open model: also keep latencies from when each request was sent (the uncorrected figure). */
  uncorrected: boolean;
  /** Split runs: keep latencies per response label as well. */
  labelled: boolean;
  /** Applied to every error detail before it is counted. */
  redactDetails?: (details: string) => string;
}

/** What a snapshot carries that the recorder does not know: the share's live state. */
export type LiveFigures = Omit<IntervalSnapshot, 'counters' | 'statusCodes' | 'histogram' | 'uncorrectedHistogram' | 'labels'>;

/** The recorded part of a WorkerResult, plus the figures the owner files elsewhere in it. */
export type RecordedResult = Pick<
  WorkerResult,
  | 'counters'
  | 'statusCodes'
  | 'errorDetails'
  | 'histogram'
  | 'uncorrectedHistogram'
  | 'sendLagHistogram'
  | 'labels'
  | 'streamFirstResponseHistogram'
  | 'streamDurationHistogram'
  | 'messagesPerStreamHistogram'
  | 'callSample'
  | 'callLatencyHistogram'
  | 'okCallLatencyHistogram'
  | 'inFlightAtStop'
> & { scheduleLagP99Ms: number; refusedStreams: number };

interface LabelLatencies {
  interval: LatencyHistogram;
  total: LatencyHistogram;
  received: number;
  intervalReceived: number;
}

/**
 * A share's counters, status and error tallies and its latency histograms, with their encoding
 * into interval snapshots and the final result. Latencies go into the current interval's
 * histogram, which is folded into the total at each snapshot: every value is recorded once and
 * intervals sum to the total exactly. The owner decides what counts (the warm-up); no clock.
 */
/** A sampled call's error text is cut here: 2,000 calls of a server's longest grpc-message would weigh megabytes. */
const MAX_SAMPLED_ERROR_CHARS = 512;

export class ShareRecorder {
  /** Every histogram recorded into, freed by dispose(). */
  private readonly owned: LatencyHistogram[] = [];
  /** Totals so far; the owner counts into it directly on the hot path. */
  readonly counters = emptyCounters();
  /** Counters as of the last snapshot. */
  private readonly reported = emptyCounters();
  private readonly statusCodes: Record<string, number> = {};
  private intervalStatusCodes: Record<string, number> = {};
  private readonly errors: ErrorTally;
  private readonly total = this.recordingHistogram();
  private readonly interval = this.recordingHistogram();
  private readonly totalUncorrected: LatencyHistogram | undefined;
  private readonly intervalUncorrected: LatencyHistogram | undefined;
  /** Open model: how late requests from the backlog went out, µs. */
  readonly sendLagUs = this.recordingHistogram();
  /** Open model: how late requests went out although a stream had room, µs. */
  readonly scheduleLagUs = this.recordingHistogram();
  private readonly streamFirstResponseUs = this.recordingHistogram();
  private readonly streamDurationUs = this.recordingHistogram();
  /** ghz's per-call details, bounded: a uniform sample of the measured calls. */
  private readonly calls = new CallReservoir();
  private readonly messagesPerStream = this.recordingHistogram();
  /** Every call that ended with a status: from when it began (see StreamOutcome) to its status, µs. */
  private readonly callLatencyUs = this.recordingHistogram();
  /** The same for the calls that ended OK: ghz's default latency figures leave failed calls out. */
  private readonly okCallLatencyUs = this.recordingHistogram();
  private readonly labels = new Map<string, LabelLatencies>();
  private inFlightAtStop = 0;
  private refusedStreams = 0;

  constructor(private readonly options: ShareRecorderOptions) {
    this.errors = new ErrorTally(options.redactDetails);
    if (options.uncorrected) {
      this.totalUncorrected = this.recordingHistogram();
      this.intervalUncorrected = this.recordingHistogram();
    }
  }

  private recordingHistogram(): LatencyHistogram {
    const histogram = createLatencyHistogram({ recording: true });
    this.owned.push(histogram);
    return histogram;
  }

  /** One measured response; its latency counts from when the request was due. */
  recordResponse(times: SendTimes, receivedAtMs: number, label: string | undefined): void {
    recordLatencyUs(this.interval, (receivedAtMs - times.intendedAtMs) * 1000);
    this.countResponse(times, receivedAtMs, label);
  }

  /**
   * One measured response whose latency its owner keeps in a histogram of its own (a flow's
   * step), added at each snapshot with addLatencies: recorded once, not twice. The split's
   * and the uncorrected figures are recorded here.
   */
  countResponse(times: SendTimes, receivedAtMs: number, label: string | undefined): void {
    this.counters.messagesReceived++;
    if (label !== undefined) this.recordLabelled(label, (receivedAtMs - times.intendedAtMs) * 1000);
    if (this.intervalUncorrected) recordLatencyUs(this.intervalUncorrected, (receivedAtMs - times.sentAtMs) * 1000);
  }

  /** Latencies recorded elsewhere (see countResponse) join the current interval, losslessly. */
  addLatencies(histogram: LatencyHistogram): void {
    this.interval.add(histogram);
  }

  private recordLabelled(label: string, latencyUs: number): void {
    let entry = this.labels.get(label);
    if (!entry) {
      if (this.labels.size >= MAX_SPLIT_VERSIONS && label !== OTHER_VERSION) {
        this.recordLabelled(OTHER_VERSION, latencyUs);
        return;
      }
      entry = { interval: this.recordingHistogram(), total: this.recordingHistogram(), received: 0, intervalReceived: 0 };
      this.labels.set(label, entry);
    }
    entry.received++;
    entry.intervalReceived++;
    recordLatencyUs(entry.interval, latencyUs);
  }

  countError(statusName: string, rawDetails: string): void {
    this.counters.errors++;
    this.errors.count(statusName, rawDetails);
  }

  /** A measured stream ended: its status, failures and per-stream figures. */
  recordStreamEnd(outcome: StreamOutcome): void {
    const { statusName, unanswered } = outcome;
    if (outcome.cancelledByUs) {
      this.counters.streamsCancelled++;
      this.inFlightAtStop += unanswered;
    } else {
      const callLatencyUs = (outcome.endedAtMs - outcome.callStartedAtMs) * 1000;
      recordLatencyUs(this.callLatencyUs, callLatencyUs);
      if (statusName === 'OK') recordLatencyUs(this.okCallLatencyUs, callLatencyUs);
      this.calls.offer({ endedAtEpochMs: performance.timeOrigin + outcome.endedAtMs, durationUs: Math.round(callLatencyUs), status: statusName, error: statusName === 'OK' ? '' : this.sampledError(outcome.details) });
      this.counters.messagesFailed += unanswered;
      this.statusCodes[statusName] = (this.statusCodes[statusName] ?? 0) + 1;
      this.intervalStatusCodes[statusName] = (this.intervalStatusCodes[statusName] ?? 0) + 1;
      if (statusName === 'OK') {
        this.counters.streamsCompleted++;
        if (outcome.endedByClient) this.counters.callsEndedByClient++;
        if (unanswered > 0) this.countError('UNANSWERED', `stream ended OK with ${unanswered} request(s) unanswered`);
      } else {
        this.counters.streamsFailed++;
        if (outcome.details === REFUSED_STREAM_DETAILS) this.refusedStreams++;
        this.countError(statusName, outcome.details);
      }
    }
    if (outcome.firstResponseMs !== undefined) recordLatencyUs(this.streamFirstResponseUs, outcome.firstResponseMs * 1000);
    recordLatencyUs(this.streamDurationUs, (outcome.endedAtMs - outcome.openedAtMs) * 1000);
    this.messagesPerStream.recordValue(Math.max(outcome.received, 0));
  }

  /** A failed call's details as the call sample keeps them: secret metadata values out, at most MAX_SAMPLED_ERROR_CHARS. */
  private sampledError(details: string): string {
    const text = this.options.redactDetails ? this.options.redactDetails(details) : details;
    return text.length > MAX_SAMPLED_ERROR_CHARS ? `${text.slice(0, MAX_SAMPLED_ERROR_CHARS)}…` : text;
  }

  /** Closes the interval: what was recorded since the last snapshot, then folded into the totals. */
  takeInterval(live: LiveFigures): IntervalSnapshot {
    const delta = emptyCounters();
    addCounters(delta, this.counters);
    for (const key of Object.keys(delta) as (keyof WorkerCounters)[]) delta[key] -= this.reported[key];
    addCounters(this.reported, delta);
    this.total.add(this.interval);
    const snapshot: IntervalSnapshot = {
      ...live,
      counters: delta,
      statusCodes: this.intervalStatusCodes,
      histogram: encodeHistogram(this.interval),
      ...(this.options.labelled ? { labels: this.takeLabelledInterval() } : {}),
    };
    if (this.intervalUncorrected && this.totalUncorrected) {
      this.totalUncorrected.add(this.intervalUncorrected);
      snapshot.uncorrectedHistogram = encodeHistogram(this.intervalUncorrected);
      this.intervalUncorrected.reset();
    }
    this.interval.reset();
    this.intervalStatusCodes = {};
    return snapshot;
  }

  /** Folds each label's interval into its total; returns the interval's figures. */
  private takeLabelledInterval(): LabelledLatencies {
    const labels: LabelledLatencies = {};
    for (const [label, entry] of this.labels) {
      if (entry.intervalReceived === 0) continue;
      labels[label] = { messagesReceived: entry.intervalReceived, histogram: encodeHistogram(entry.interval) };
      entry.total.add(entry.interval);
      entry.interval.reset();
      entry.intervalReceived = 0;
    }
    return labels;
  }

  /** The totals, as of the last takeInterval (take one first so nothing is left in the interval). */
  result(): RecordedResult {
    return {
      counters: { ...this.counters },
      statusCodes: { ...this.statusCodes },
      errorDetails: { ...this.errors.details },
      histogram: encodeHistogram(this.total),
      ...(this.totalUncorrected ? { uncorrectedHistogram: encodeHistogram(this.totalUncorrected) } : {}),
      sendLagHistogram: encodeHistogram(this.sendLagUs),
      ...(this.options.labelled ? { labels: this.labelledTotals() } : {}),
      streamFirstResponseHistogram: encodeHistogram(this.streamFirstResponseUs),
      streamDurationHistogram: encodeHistogram(this.streamDurationUs),
      callSample: this.calls.sample(),
      messagesPerStreamHistogram: encodeHistogram(this.messagesPerStream),
      callLatencyHistogram: encodeHistogram(this.callLatencyUs),
      okCallLatencyHistogram: encodeHistogram(this.okCallLatencyUs),
      scheduleLagP99Ms: this.scheduleLagUs.totalCount ? Math.round(this.scheduleLagUs.getValueAtPercentile(99)) / 1000 : 0,
      inFlightAtStop: this.inFlightAtStop,
      refusedStreams: this.refusedStreams,
    };
  }

  private labelledTotals(): LabelledLatencies {
    const labels: LabelledLatencies = {};
    for (const [label, entry] of this.labels) labels[label] = { messagesReceived: entry.received, histogram: encodeHistogram(entry.total) };
    return labels;
  }

  /** Frees the histograms (WebAssembly memory is not garbage-collected); call once, after result(). */
  dispose(): void {
    disposeHistograms(this.owned);
  }
}
