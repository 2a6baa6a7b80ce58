import type { Report, VersionFlowReport } from '../report/report.js';
import { FLOW_CHECK_COLUMNS, FLOW_STEP_COLUMNS, flowCheckRows, flowStepRows, tallyText } from './describe-flow.js';
import { count } from './format-units.js';

export const VERSION_FLOW_RUN_COLUMNS = ['version', 'runs started', 'completed', 'timed out', 'unfinished', 'saw another version', 'unsolicited'] as const;
/** A step's rows one per version, next to each other: "v2's confirm P99 vs v1's" reads down a column. */
export const VERSION_FLOW_STEP_COLUMNS = [FLOW_STEP_COLUMNS[0], 'version', ...FLOW_STEP_COLUMNS.slice(1)] as const;
export const VERSION_FLOW_CHECK_COLUMNS = [FLOW_CHECK_COLUMNS[0], 'version', ...FLOW_CHECK_COLUMNS.slice(1)] as const;

/** A split run's flow figures by version, in version order; empty without a flow or a split. */
export function versionFlows(report: Report): Array<[string, VersionFlowReport]> {
  return Object.entries(report.versions ?? {})
    .flatMap(([version, side]): Array<[string, VersionFlowReport]> => (side.flow ? [[version, side.flow]] : []))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Each version's flow runs as a row of VERSION_FLOW_RUN_COLUMNS. */
export function versionFlowRunRows(flows: ReadonlyArray<[string, VersionFlowReport]>): string[][] {
  return flows.map(([version, flow]) => [
    version,
    count(flow.runsStarted),
    count(flow.runsCompleted),
    count(flow.runsTimedOut),
    count(flow.runsUnfinished),
    count(flow.runsMixedVersions),
    tallyText(flow.unsolicited),
  ]);
}

/** Rows of `describe` for each version, grouped by their first cell (the step or check), the version put second. */
function byNameThenVersion(flows: ReadonlyArray<[string, VersionFlowReport]>, describe: (flow: VersionFlowReport) => string[][]): string[][] {
  const groups = new Map<string, string[][]>();
  for (const [version, flow] of flows) {
    for (const [name, ...cells] of describe(flow)) {
      const group = groups.get(name!) ?? [];
      group.push([name!, version, ...cells]);
      groups.set(name!, group);
    }
  }
  return [...groups.values()].flat();
}

/** Each await step of each version as a row of VERSION_FLOW_STEP_COLUMNS. */
export function versionFlowStepRows(flows: ReadonlyArray<[string, VersionFlowReport]>): string[][] {
  return byNameThenVersion(flows, flowStepRows);
}

/** Each check of each version as a row of VERSION_FLOW_CHECK_COLUMNS. */
export function versionFlowCheckRows(flows: ReadonlyArray<[string, VersionFlowReport]>): string[][] {
  return byNameThenVersion(flows, flowCheckRows);
}
