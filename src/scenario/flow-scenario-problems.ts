import type { Flow } from './flow-schema.js';
import { flowProblems, flowThresholdProblem, placedSteps, type FlowProblem } from './flow-problems.js';
import type { FlowThresholdCondition } from './parse-threshold.js';
import { sendsInARowProblem } from './sends-in-a-row.js';

/** The parts of a parsed scenario a flow is checked with. */
interface FlowScenario {
  stream: { flow?: Flow; interval: number; messages?: number | undefined; timeout?: number | undefined; window: number; correlateBy?: string | undefined };
  load: { messages?: number | undefined };
  thresholds: { flow: ReadonlyArray<FlowThresholdCondition & { statistic: string }> };
}

/**
 * Every problem of `stream.flow` that needs no proto: its own (flowProblems), too many sends in a row, the stream and
 * load settings it cannot be combined with, and flow thresholds whose step or check it lacks.
 */
export function flowScenarioProblems(scenario: FlowScenario): FlowProblem[] {
  const { flow } = scenario.stream;
  const thresholdProblems = scenario.thresholds.flow.flatMap((threshold) => {
    const problem = flowThresholdProblem(threshold, flow);
    return problem === undefined ? [] : [{ path: ['thresholds', `${threshold.subject}.${threshold.name}.${threshold.statistic}`], problem }];
  });
  if (flow === undefined) return thresholdProblems;
  const problems = [...flowProblems(flow), ...thresholdProblems];
  const burst = sendsInARowProblem(flow.steps);
  if (burst) problems.push(burst);
  // Every step runs, a repeat's at least once: one await or pause anywhere makes every flow run wait.
  if (!placedSteps(flow.steps).some(({ step }) => 'await' in step || 'pause' in step)) {
    problems.push({
      path: ['stream', 'flow', 'steps'],
      problem: 'expected at least one await or pause step: a flow run that never waits ends as it starts, so runs would follow each other as fast as the event loop turns while the transport buffers what the server has not read yet',
    });
  }
  if (scenario.stream.interval > 0) problems.push({ path: ['stream', 'interval'], problem: 'cannot be combined with stream.flow (a pause step waits between steps)' });
  if (scenario.stream.messages !== undefined) problems.push({ path: ['stream', 'messages'], problem: "cannot be combined with stream.flow (a flow's stream lives for stream.duration or the run)" });
  // Silently unused otherwise: a flow run's awaits time out, not its requests.
  if (scenario.stream.timeout !== undefined) {
    problems.push({ path: ['stream', 'timeout'], problem: `cannot be combined with stream.flow: set within on the await steps instead (each await's own timeout), got ${scenario.stream.timeout} ms` });
  }
  if (scenario.load.messages !== undefined) problems.push({ path: ['load', 'messages'], problem: 'cannot be combined with stream.flow (a flow runs for load.duration)' });
  if (scenario.stream.window > 1 && scenario.stream.correlateBy === undefined) {
    problems.push({ path: ['stream', 'window'], problem: `expected stream.correlateBy with stream.window above 1, so that each response finds its flow run, got window ${scenario.stream.window} and no correlateBy` });
  }
  return problems;
}
