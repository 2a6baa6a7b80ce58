import { performance } from 'node:perf_hooks';
import type { TemplateContext } from '../scenario/compile-message-template.js';
import { MAX_SENDS_IN_A_ROW } from '../scenario/sends-in-a-row.js';
import type { StreamSettings } from '../types/stream-settings.js';
import type { AwaitNode, FlowNode, FlowProgram, PauseNode, SendNode } from './flow-program.js';
import { statusOf } from './flow-program.js';
import { countStatus, recordLatencyUs, type AwaitTally, type FlowRecorder } from './flow-recorder.js';
import { NO_VERSION, type VersionFlowRecorder, type VersionFlowRecorders } from './version-flow-recorders.js';
import type { SendTimes } from './pending-requests.js';
import type { ResponseObject } from './response-condition.js';
import { reportStreamEnd, type DrivenStream, type StreamOwner } from './stream-driver.js';
import { IndexedSet, type Indexed } from './indexed-set.js';
import type { BidiStream, Connection, StreamEvents } from './transport.js';

/**
 * Correlation keys a flow run remembers (its latest sends'): an answer to an older send of the same run belongs to no
 * flow run (unsolicited). Bounds a run's memory whatever its repeats; as many as a run may send in a row, so that every
 * answer to such a burst finds its run.
 */
export const MAX_KEYS_PER_RUN = MAX_SENDS_IN_A_ROW;

/**
 * One pass through the flow's steps on a stream. A stream keeps the flow runs that ended for the
 * runs it starts next (`reset`): a run costs no allocation once the stream is going.
 */
class FlowRun implements Indexed {
  /** Its place in the stream's running flow runs. */
  setIndex = -1;
  /** The next step: an index into the program's flat steps. */
  private at = 0;
  /** Passes left of each repeat (by its slot). */
  private readonly passesLeft: number[];
  /** Captured values by variable name (one shared empty object when the flow captures nothing). */
  variables: Record<string, string>;
  /** Correlation keys of this run's latest sends (with correlateBy), at most MAX_KEYS_PER_RUN: a ring from `oldestKey`. */
  readonly keys: string[] = [];
  private oldestKey = 0;
  awaiting: AwaitNode | undefined;
  /** Since when the current await is timed: the latest send (the first one's due time in the open model). */
  latestSendAtMs = 0;
  /** Its actual send time (the uncorrected figure). */
  latestSentAtMs = 0;
  sawResponse = false;
  /** While awaiting: when the await times out (clock ms); the owner's sweep finds it (expireOverdue). */
  deadlineAtMs = Infinity;
  /** A pause's timer. */
  timer: NodeJS.Timeout | undefined;
  /** Split runs: the version its first labelled response named; its tallies once a measured run is attributed (see FlowStreamDriver.versionOf). */
  versionLabel: string | undefined = undefined;
  version: VersionFlowRecorder | undefined = undefined;
  /** Split runs: a response of another version came too (counted once). */
  mixedVersions = false;

  constructor(
    private readonly steps: readonly FlowNode[],
    repeats: number,
    /** Open model: when the run was due (NaN in the closed model); used once, by its first send. */
    public dueAtMs: number,
    public measured: boolean,
    variables: Record<string, string>,
  ) {
    this.passesLeft = new Array<number>(repeats).fill(0);
    this.variables = variables;
  }

  /** Starts the run over (it ended: endRun has cleared its await, timer and keys). */
  reset(dueAtMs: number, measured: boolean, variables: Record<string, string>): void {
    this.at = 0;
    this.dueAtMs = dueAtMs;
    this.measured = measured;
    this.variables = variables;
    this.latestSendAtMs = 0;
    this.latestSentAtMs = 0;
    this.sawResponse = false;
    this.versionLabel = undefined;
    this.version = undefined;
    this.mixedVersions = false;
  }

  /**
   * Remembers a send's correlation key (`byKey` maps it to this run already). Past MAX_KEYS_PER_RUN the oldest is
   * forgotten, so a run that repeats sends holds a bounded number however long it lasts.
   */
  rememberKey(key: string, byKey: Map<string, FlowRun>): void {
    if (this.keys.length < MAX_KEYS_PER_RUN) {
      this.keys.push(key);
      return;
    }
    const oldest = this.keys[this.oldestKey]!;
    if (oldest !== key && byKey.get(oldest) === this) byKey.delete(oldest);
    this.keys[this.oldestKey] = key;
    this.oldestKey = (this.oldestKey + 1) % MAX_KEYS_PER_RUN;
  }

  /** Forgets every key (the run ended). */
  forgetKeys(byKey: Map<string, FlowRun>): void {
    for (const key of this.keys) if (byKey.get(key) === this) byKey.delete(key);
    this.keys.length = 0;
    this.oldestKey = 0;
  }

  /** The next step to run (through repeats), or undefined when the run is over. */
  next(): SendNode | AwaitNode | PauseNode | undefined {
    const { steps } = this;
    while (this.at < steps.length) {
      const node = steps[this.at++]!;
      if (node.kind === 'repeat') this.passesLeft[node.slot] = node.count;
      else if (node.kind === 'loop') {
        if (--this.passesLeft[node.slot]! > 0) this.at = node.bodyAt;
      } else return node;
    }
    return undefined;
  }
}

const times: SendTimes = { intendedAtMs: 0, sentAtMs: 0 };

/**
 * Drives one bidi stream through a flow (docs/flows.md): runs up to `window` flow runs at once
 * (one without correlateBy), each sending, awaiting, capturing and pausing as its steps say.
 * Responses go to the flow run that sent the request they name (correlateBy) or to the one
 * running; pushes matching `unsolicited`, and responses of no flow run, are counted apart.
 * Closed model: a new run starts as one ends. Open model: the owner's schedule starts runs
 * (`sendScheduled`), and a run's first await is timed from when the run was due.
 * Stopping lets running flow runs finish (within the drain time), then half-closes.
 */
export class FlowStreamDriver implements StreamEvents, DrivenStream {
  private readonly stream: BidiStream;
  private readonly context: TemplateContext;
  private readonly runs = new IndexedSet<FlowRun>();
  private readonly byKey = new Map<string, FlowRun>();
  /** Without correlateBy: the one flow run under way (window 1), which every response belongs to. */
  private current: FlowRun | undefined;
  /** Flow runs that ended, for the next ones to start (at most `window`). */
  private readonly spare: FlowRun[] = [];
  /** While a response is dispatched: when it arrived, the clock for flow runs it starts (NaN otherwise). */
  private responseAtMs = NaN;
  readonly openedAtMs = performance.now();
  private firstSentAtMs = NaN;
  private callStartedAtMs = NaN;
  private firstResponseMs: number | undefined;
  private sent = 0;
  private received = 0;
  private stopping = false;
  private halfClosed = false;
  private backpressured = false;
  private cancelledByUs = false;
  /** Set when a step timeout re-opens the stream: the stream ends DEADLINE_EXCEEDED with this. */
  private reopenDetails: string | undefined;
  private ended = false;
  private readonly deadlineMs: number;
  private lifetimeTimer: NodeJS.Timeout | undefined;
  private pumpScheduled = false;
  measured = false;
  /** Split runs: the tallies by version (undefined without a split), and the version this stream's responses named last. */
  private readonly versions: VersionFlowRecorders | undefined;
  private streamVersion: string | undefined;

  constructor(
    connection: Connection,
    readonly streamId: number,
    workerId: number,
    private readonly settings: StreamSettings,
    private readonly program: FlowProgram,
    private readonly recorder: FlowRecorder,
    private readonly owner: StreamOwner,
    private readonly selfPaced: boolean,
    metadata?: Record<string, string>,
    callIndex = 0,
  ) {
    // With its variables from the start: the templates see one object shape (a property added later makes another).
    this.context = { workerId, streamId, messageIndex: 0, callIndex, variables: NO_VARIABLES };
    this.versions = program.versions;
    this.deadlineMs = settings.durationMs === undefined ? Infinity : this.openedAtMs + settings.durationMs;
    this.stream = connection.openStream(this, metadata);
    if (settings.durationMs !== undefined) this.lifetimeTimer = setTimeout(this.stopSending, settings.durationMs);
  }

  start(): void {
    if (this.selfPaced) this.pump();
  }

  /** Flow runs under way. */
  get inFlight(): number {
    return this.runs.size;
  }

  /** Flows time their awaits themselves (`within`): stream.timeout never expires them. */
  get oldestSentAtMs(): number {
    return Infinity;
  }

  hasRoom(): boolean {
    return !this.stopping && !this.ended && !this.backpressured && this.runs.size < this.settings.window;
  }

  /** Open model: start one flow run that was due at `intendedAtMs`. */
  sendScheduled(intendedAtMs: number): void {
    this.startRun(intendedAtMs);
  }

  /** Start no more flow runs; half-close once the running ones are over. */
  readonly stopSending = (): void => {
    if (this.stopping || this.ended) return;
    this.stopping = true;
    if (this.lifetimeTimer) clearTimeout(this.lifetimeTimer);
    this.lifetimeTimer = undefined;
    this.halfCloseIfIdle();
  };

  cancel(): void {
    if (this.ended) return;
    this.cancelledByUs = true;
    this.stream.cancel();
  }

  /** stream.timeout does not apply to flows (see oldestSentAtMs); kept for the owner's interface. */
  expire(): void {}

  onResponse(key: string | undefined, label: string | undefined, response?: ResponseObject): void {
    const now = performance.now();
    this.received++;
    // A push may come before the first send: the stream's first response counts from that send.
    if (this.firstResponseMs === undefined && this.sent > 0) this.firstResponseMs = now - this.firstSentAtMs;
    this.responseAtMs = now;
    // A flow that names no response field gets none read (no field reader): any response will do.
    this.dispatch(key, response ?? NO_FIELDS_READ, now, true, label);
    this.responseAtMs = NaN;
  }

  /** Offers a response to its flow run; `retry`: once more after the run it belonged to timed out. `label`: split runs, the response's version. */
  private dispatch(key: string | undefined, response: ResponseObject, now: number, retry: boolean, label: string | undefined): void {
    const { program } = this;
    if (program.unsolicited?.(response, EMPTY)) {
      this.countUnsolicited(response, now, label);
      return;
    }
    const run = this.settings.correlateBy === undefined ? this.current : this.byKey.get(key ?? '');
    if (run === undefined) {
      this.countUnsolicited(response, now, label);
      return;
    }
    // A response without the split field ("") names no version.
    if (label && this.versions !== undefined) this.labelRun(run, label);
    const node = run.awaiting;
    if (node === undefined) {
      if (run.measured) {
        this.recorder.unawaited++;
        if (this.versions !== undefined) this.versionOf(run).unawaited++;
      }
      return;
    }
    // Past its deadline, the await has timed out even if the sweep has not come by yet.
    if (now > run.deadlineAtMs) {
      this.timeOut(run);
      // By key it belonged to the ended run (no flow run now); otherwise to whichever run is under way.
      if (retry && this.settings.correlateBy === undefined) this.dispatch(key, response, now, false, label);
      else this.countUnsolicited(response, now, label);
      return;
    }
    const { tally } = node;
    const first = !run.sawResponse;
    run.sawResponse = true;
    // Without a status field every response counts as "(any)": the recorders work that out from the counts.
    const status = run.measured && node.statusPath !== undefined ? statusOf(response, node.statusPath) : undefined;
    if (!node.until(response, run.variables)) {
      if (run.measured) {
        countIntermediate(tally, first, (now - run.latestSendAtMs) * 1000, status);
        if (this.versions !== undefined) countIntermediate(this.versionOf(run).awaits.get(node.name)!, first, (now - run.latestSendAtMs) * 1000, status);
      }
      return;
    }
    run.deadlineAtMs = Infinity;
    run.awaiting = undefined;
    if (run.measured) {
      countMatch(tally, first, (now - run.latestSendAtMs) * 1000, status);
      for (const check of node.checks) {
        if (check.holds(response, run.variables)) check.tally.passes++;
        else check.tally.fails++;
      }
      if (this.versions !== undefined) this.countVersionMatch(run, node, response, first, (now - run.latestSendAtMs) * 1000, status);
      times.intendedAtMs = run.latestSendAtMs;
      times.sentAtMs = run.latestSentAtMs;
      // The step's histogram holds this latency; the run's figures take it from there at each interval.
      this.owner.countResponse(times, now, label);
    }
    // Checks see the variables as they were; this await's captures serve the steps after it.
    for (const { variable, path } of node.captures) {
      let value: unknown = response;
      for (const name of path) value = (value as Record<string, unknown> | undefined)?.[name];
      run.variables[variable] = value === undefined || value === null ? '' : String(value);
    }
    this.advance(run, true);
  }

  private countUnsolicited(response: ResponseObject, now: number, label: string | undefined): void {
    // A push names its stream's version too.
    if (label && this.versions !== undefined) this.streamVersion = label;
    if (now < this.owner.measureFromMs) return;
    const status = statusOf(response, this.program.unsolicitedStatusPath);
    this.recorder.countUnsolicited(status);
    if (this.versions !== undefined) this.versions.of(label || NO_VERSION).countUnsolicited(status);
  }

  /** Split runs: the run's version is its first labelled response's; a later one naming another version marks it mixed. */
  private labelRun(run: FlowRun, label: string): void {
    this.streamVersion = label;
    if (run.versionLabel === undefined) {
      run.versionLabel = label;
      if (run.measured) run.version = this.versions!.attach(label);
    } else if (run.versionLabel !== label && !run.mixedVersions) {
      run.mixedVersions = true;
      if (run.measured) this.versionOf(run).runsMixedVersions++;
    }
  }

  /**
   * A measured run's version tallies; a run with no labelled response of its own yet is
   * attributed, once, to the version its stream's responses named last (NO_VERSION if none):
   * a labelled response naming another one later marks it mixed.
   */
  private versionOf(run: FlowRun): VersionFlowRecorder {
    if (run.version === undefined) {
      run.versionLabel ??= this.streamVersion ?? NO_VERSION;
      run.version = this.versions!.attach(run.versionLabel);
    }
    return run.version;
  }

  private countVersionMatch(run: FlowRun, node: AwaitNode, response: ResponseObject, first: boolean, latencyUs: number, status: string | undefined): void {
    const version = this.versionOf(run);
    countMatch(version.awaits.get(node.name)!, first, latencyUs, status);
    for (const check of node.checks) {
      const tally = version.checks.get(check.name)!;
      if (check.holds(response, run.variables)) tally.passes++;
      else tally.fails++;
    }
  }

  onDrain(): void {
    this.backpressured = false;
    if (this.selfPaced) this.pump();
    else if (this.hasRoom()) this.owner.streamHasRoom(this);
  }

  onEnd(statusName: string, details: string): void {
    if (this.ended) return;
    this.ended = true;
    if (this.lifetimeTimer) clearTimeout(this.lifetimeTimer);
    let unanswered = 0;
    for (const run of this.runs.snapshot()) {
      clearTimeout(run.timer);
      if (!run.measured) continue;
      this.recorder.runsUnfinished++;
      if (this.versions !== undefined) this.versionOf(run).runsUnfinished++;
      if (run.awaiting) unanswered++;
    }
    this.runs.clear();
    this.byKey.clear();
    this.current = undefined;
    reportStreamEnd(
      this.owner,
      this,
      {
        statusName,
        details,
        unanswered,
        received: this.received,
        cancelledByUs: this.cancelledByUs,
        // A flow's stream is ended by its steps or by the run, never cut short like a server-streaming call.
        endedByClient: false,
        openedAtMs: this.openedAtMs,
        endedAtMs: NaN,
        firstResponseMs: this.firstResponseMs,
        callStartedAtMs: this.callStartedAtMs,
      },
      this.reopenDetails,
    );
  }

  /** Closed model: keeps `window` flow runs going while the run may send. */
  private pump(): void {
    if (this.stopping || this.ended || this.pumpScheduled) return;
    while (this.runs.size < this.settings.window && !this.backpressured && !this.stopping) {
      if (this.deadlineMs !== Infinity && performance.now() >= this.deadlineMs) {
        this.stopSending();
        return;
      }
      if (!this.owner.takeSend(this)) {
        this.stopSending();
        return;
      }
      const before = this.runs.size;
      this.startRun(NaN);
      // A flow run that ended at once (no await, no pause) must not spin the event loop.
      if (this.runs.size === before && !this.ended) {
        this.pumpScheduled = true;
        setImmediate(this.pumpLater);
        return;
      }
    }
  }

  private readonly pumpLater = (): void => {
    this.pumpScheduled = false;
    this.pump();
  };

  private startRun(intendedAtMs: number): void {
    // Closed model, started as a response ends the run before it: from that response's arrival
    // (one clock read less). The open model reads the clock: a run may fall due in between.
    const now = Number.isNaN(this.responseAtMs) || !Number.isNaN(intendedAtMs) ? performance.now() : this.responseAtMs;
    const dueAtMs = Number.isNaN(intendedAtMs) ? NaN : Math.min(intendedAtMs, now);
    const measured = now >= this.owner.measureFromMs;
    const variables = this.newRunVariables();
    let run = this.spare.pop();
    if (run === undefined) run = new FlowRun(this.program.steps, this.program.repeats, dueAtMs, measured, variables);
    else run.reset(dueAtMs, measured, variables);
    if (Number.isNaN(this.callStartedAtMs)) this.callStartedAtMs = Number.isNaN(run.dueAtMs) ? this.openedAtMs : run.dueAtMs;
    this.runs.add(run);
    this.current = run;
    if (run.measured) this.recorder.runsStarted++;
    this.advance(run, false);
  }

  /**
   * Runs the flow run's steps until it awaits, pauses or is over. `waited`: it comes back from an
   * await or a pause (a response, a timer), not from its start.
   */
  private advance(run: FlowRun, waited: boolean): void {
    for (;;) {
      if (this.ended) return;
      const node = run.next();
      if (node === undefined) {
        if (run.measured) {
          this.recorder.runsCompleted++;
          if (this.versions !== undefined) this.versionOf(run).runsCompleted++;
        }
        // Closed model: the next flow run starts over in this one, in place. Not a run that never
        // waited: pump defers those, so that a flow without awaits cannot spin the event loop.
        if (waited && this.mayStartOver()) {
          if (!this.owner.takeSend(this)) {
            this.endRun(run);
            this.stopSending();
            return;
          }
          this.startOver(run);
          waited = false;
          continue;
        }
        this.endRun(run);
        this.afterRunEnded();
        return;
      }
      if (node.kind === 'send') this.send(run, node);
      else if (node.kind === 'await') {
        run.awaiting = node;
        run.sawResponse = false;
        run.deadlineAtMs = run.latestSendAtMs + node.withinMs;
        return;
      } else {
        run.timer = setTimeout(this.resume, node.ms, run);
        return;
      }
    }
  }

  private readonly resume = (run: FlowRun): void => {
    run.timer = undefined;
    if (this.runs.has(run)) this.advance(run, true);
  };

  /** A new flow run's variables: its own when the flow captures, else the one shared empty object. */
  private newRunVariables(): Record<string, string> {
    return this.program.captures ? {} : NO_VARIABLES;
  }

  /** What pump asks before it starts a flow run (the room in the window aside: a run just ended). */
  private mayStartOver(): boolean {
    if (!this.selfPaced || this.stopping || this.ended || this.backpressured) return false;
    return this.deadlineMs === Infinity || performance.now() < this.deadlineMs;
  }

  /** A flow run that just ended begins again, as startRun begins one, without leaving the running runs and coming back. */
  private startOver(run: FlowRun): void {
    if (run.keys.length > 0) run.forgetKeys(this.byKey);
    const now = Number.isNaN(this.responseAtMs) ? performance.now() : this.responseAtMs;
    run.reset(NaN, now >= this.owner.measureFromMs, this.newRunVariables());
    if (run.measured) this.recorder.runsStarted++;
  }

  /** Flow runs whose await is past its `within` end as DEADLINE_EXCEEDED (called by the owner's sweep, clock ms). */
  expireOverdue(nowMs: number): void {
    for (const run of this.runs.snapshot()) if (run.deadlineAtMs < nowMs) this.timeOut(run);
  }

  private timeOut(run: FlowRun): void {
    const node = run.awaiting;
    if (!this.runs.has(run) || node === undefined) return;
    if (run.measured) {
      node.tally.timeouts++;
      this.recorder.runsTimedOut++;
      if (this.versions !== undefined) {
        const version = this.versionOf(run);
        version.awaits.get(node.name)!.timeouts++;
        version.runsTimedOut++;
      }
    }
    this.endRun(run);
    if (this.program.reopenOnTimeout) {
      // No flow run starts on the stream being closed (its onEnd may come later).
      this.stopping = true;
      this.reopenDetails = `flow step timed out: no match within ${node.withinMs} ms (stream.flow.onTimeout: reopen)`;
      this.stream.cancel();
      return;
    }
    this.afterRunEnded();
  }

  private send(run: FlowRun, node: SendNode): void {
    this.context.messageIndex = this.sent;
    this.context.variables = run.variables;
    const message = node.build(this.context);
    if (this.settings.correlateBy !== undefined) {
      const key = String(message[this.settings.correlateBy]);
      this.byKey.set(key, run);
      run.rememberKey(key, this.byKey);
    }
    const sentAtMs = performance.now();
    if (this.sent++ === 0) this.firstSentAtMs = sentAtMs;
    run.latestSentAtMs = sentAtMs;
    // Open model: the run's first send counts from when the run was due (coordinated omission).
    run.latestSendAtMs = Number.isNaN(run.dueAtMs) ? sentAtMs : run.dueAtMs;
    run.dueAtMs = NaN;
    if (run.measured) node.tally.sent++;
    this.owner.countSent(sentAtMs);
    if (!this.stream.send(message)) this.backpressured = true;
  }

  private endRun(run: FlowRun): void {
    if (run.timer !== undefined) {
      clearTimeout(run.timer);
      run.timer = undefined;
    }
    run.deadlineAtMs = Infinity;
    run.awaiting = undefined;
    this.runs.delete(run);
    if (this.current === run) this.current = undefined;
    if (run.keys.length > 0) run.forgetKeys(this.byKey);
    if (this.spare.length < this.settings.window) this.spare.push(run);
  }

  private afterRunEnded(): void {
    if (this.ended) return;
    if (this.stopping) this.halfCloseIfIdle();
    else if (this.selfPaced) this.pump();
    else if (this.hasRoom()) this.owner.streamHasRoom(this);
  }

  private halfCloseIfIdle(): void {
    if (this.halfClosed || this.ended || this.runs.size > 0) return;
    this.halfClosed = true;
    this.stream.halfClose();
  }
}

/** A response of the awaited run that did not match: counted (by `status` when its await has a status field), and timed if it is the await's first. */
function countIntermediate(tally: AwaitTally, first: boolean, latencyUs: number, status: string | undefined): void {
  if (first) recordLatencyUs(tally.firstResponseUs, latencyUs);
  tally.intermediate++;
  if (status !== undefined) countStatus(tally.byStatus, status);
}

function countMatch(tally: AwaitTally, first: boolean, latencyUs: number, status: string | undefined): void {
  tally.matched++;
  if (status !== undefined) countStatus(tally.byStatus, status);
  // A match that is the first response is both figures: recorded once (see AwaitTally.firstMatchUs).
  recordLatencyUs(first ? tally.firstMatchUs : tally.matchUs, latencyUs);
}

const EMPTY: Readonly<Record<string, string>> = Object.freeze({});
/** The response of a flow that reads no field: every field absent. */
const NO_FIELDS_READ: ResponseObject = EMPTY;
/** The variables of every flow run of a flow that captures nothing: never written. */
const NO_VARIABLES: Record<string, string> = EMPTY as Record<string, string>;
