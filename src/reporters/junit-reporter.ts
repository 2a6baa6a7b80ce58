import type { Report, ThresholdResult } from '../report/report.js';
import type { Reporter } from './reporter.js';

/** Code points XML 1.0 cannot hold at all, not even as references; they become U+FFFD. */
const NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;',
  // As references, so attribute-value normalisation keeps them instead of turning them into spaces.
  '\t': '&#9;', '\n': '&#10;', '\r': '&#13;',
};

/** Safe in both attribute values and text content. */
function xml(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/[&<>"'\t\n\r]/g, (c) => XML_ESCAPES[c]!);
}

/** JUnit `time` attributes are seconds. */
const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** Rounded to 3 decimals for messages; the exact figure stays in report.json. */
const figure = (value: number, unit: string): string => `${Math.round(value * 1000) / 1000} ${unit}`;

interface TestCase {
  name: string;
  /** Absent when the case passed. */
  failure?: { type: 'threshold' | 'run'; message: string; detail: string };
  timeMs: number;
}

function thresholdCase(result: ThresholdResult, abortedBy: string | undefined): TestCase {
  const name = `${result.metric} ${result.condition}`;
  if (result.pass) return { name, timeMs: 0 };
  const actual = result.noData === undefined ? figure(result.actual, result.unit) : `no data: ${result.noData}`;
  const message = `${result.metric} was ${actual}, limit ${figure(result.limit, result.unit)} (${result.condition})`;
  const aborted = result.abortOnFail && abortedBy !== undefined ? `; the run was stopped early (${abortedBy})` : '';
  const detailActual = result.noData === undefined ? `${result.actual} ${result.unit}` : 'no data';
  return { name, timeMs: 0, failure: { type: 'threshold', message, detail: `actual ${detailActual}, limit ${result.limit} ${result.unit}${aborted}` } };
}

/** Without thresholds, the run itself is the one test: it must reach its end and get responses. */
function runCompletedCase(report: Report): TestCase {
  const problems: string[] = [];
  if (report.partial) problems.push(`the run did not reach its planned end: ${report.partialReason ?? 'unknown reason'}`);
  if (report.counts.messagesReceived === 0) problems.push(`no response succeeded (${report.counts.messagesSent} requests sent)`);
  const testCase: TestCase = { name: 'run completed', timeMs: report.durationMs };
  if (problems.length) testCase.failure = { type: 'run', message: problems.join('; '), detail: problems.join('\n') };
  return testCase;
}

function renderCase(testCase: TestCase, classname: string): string {
  const open = `    <testcase name="${xml(testCase.name)}" classname="${xml(classname)}" time="${seconds(testCase.timeMs)}"`;
  if (!testCase.failure) return `${open}/>`;
  const { type, message, detail } = testCase.failure;
  return `${open}>\n      <failure message="${xml(message)}" type="${type}">${xml(detail)}</failure>\n    </testcase>`;
}

/**
 * A flow's checks as suite properties (`check.<name>`), not testcases: a check counts responses
 * (a REJECTED answer may be expected), only a `checks.…` threshold makes it pass or fail.
 */
function checkProperties(report: Report): Array<[string, string]> {
  return Object.entries(report.flow?.checks ?? {}).map(([name, { passes, fails, rate }]) => {
    const percent = rate === undefined ? 'never judged' : `${figure(rate * 100, '%')} passed`;
    return [`check.${name}`, `${passes} passes, ${fails} fails, ${percent}`];
  });
}

/**
 * A JUnit XML file for CI test tabs: one testcase per threshold (checks on the whole run, so
 * time 0; a flow's `step.…` and `checks.…` thresholds among them), or one `run completed` case when
 * the scenario has none. Suite time is the load time.
 */
export function renderJunit(report: Report): string {
  const thresholds = report.thresholds;
  const cases = thresholds?.results.length
    ? thresholds.results.map((r) => thresholdCase(r, thresholds.abortedBy))
    : [runCompletedCase(report)];
  const failures = cases.filter((c) => c.failure).length;
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(report.durationMs)}"`;
  // JUnit timestamps carry no zone; startedAt is UTC.
  const timestamp = report.startedAt.replace(/(\.\d+)?Z$/, '');
  const properties: Array<[string, string]> = [
    ['target', report.target],
    ['call', report.call],
    ['partial', String(report.partial)],
    ...(report.partialReason === undefined ? [] : [['partialReason', report.partialReason] as [string, string]]),
    ...checkProperties(report),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="grpc-bench" ${counts}>`,
    `  <testsuite name="${xml(report.name)}" ${counts} timestamp="${xml(timestamp)}">`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${xml(name)}" value="${xml(value)}"/>`),
    '    </properties>',
    ...cases.map((c) => renderCase(c, report.name)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

export const junitReporter: Reporter = { name: 'junit', extension: 'xml', render: renderJunit };
