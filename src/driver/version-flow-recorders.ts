import type { FlowIntervalFigures, FlowSettings, VersionFlowFigures } from '../types/flow-settings.js';
import { FlowRecorder } from './flow-recorder.js';
import { MAX_SPLIT_VERSIONS, OTHER_VERSION } from './split-versions.js';

/** The version of a flow run with no labelled response of its own on a stream that showed none either. */
export const NO_VERSION = '(none)';

/** One version's tallies: a FlowRecorder of its own, plus the runs that saw another version too. */
export class VersionFlowRecorder extends FlowRecorder {
  runsMixedVersions = 0;
}

/**
 * A split run's flow figures by version (docs/flows.md, "Flows in a split run"): one recorder per
 * version seen, made when a flow run is first attributed to it (never per message). A version's
 * flow runs are counted as started when attributed, so each measured run counts under exactly
 * one version and the versions add up to the whole-run figures.
 */
export class VersionFlowRecorders {
  private readonly byVersion = new Map<string, VersionFlowRecorder>();

  constructor(private readonly flow: FlowSettings) {}

  /** The recorder of `version` (OTHER_VERSION past MAX_SPLIT_VERSIONS). */
  of(version: string): VersionFlowRecorder {
    let recorder = this.byVersion.get(version);
    if (recorder !== undefined) return recorder;
    if (this.byVersion.size >= MAX_SPLIT_VERSIONS && version !== OTHER_VERSION) return this.of(OTHER_VERSION);
    recorder = new VersionFlowRecorder(this.flow);
    this.byVersion.set(version, recorder);
    return recorder;
  }

  /** A flow run attributed to `version`: counted as started there. */
  attach(version: string): VersionFlowRecorder {
    const recorder = this.of(version);
    recorder.runsStarted++;
    return recorder;
  }

  /** Closes the interval of every version seen so far (see FlowRecorder.takeInterval). */
  takeInterval(): Record<string, FlowIntervalFigures> {
    const figures: Record<string, FlowIntervalFigures> = {};
    for (const [version, recorder] of this.byVersion) figures[version] = recorder.takeInterval();
    return figures;
  }

  /** Each version's totals (sends are not split: empty); take the last interval first. */
  result(): Record<string, VersionFlowFigures> {
    const figures: Record<string, VersionFlowFigures> = {};
    for (const [version, recorder] of this.byVersion) figures[version] = { ...recorder.result(), sends: {}, runsMixedVersions: recorder.runsMixedVersions };
    return figures;
  }

  /** Frees every version's histograms; call once, after result(). */
  dispose(): void {
    for (const recorder of this.byVersion.values()) recorder.dispose();
  }
}
