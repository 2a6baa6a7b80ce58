import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigMap, PersistentVolumeClaim } from 'kubernetes-models/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Report } from '../../src/report/report.js';
import { startOrderServer } from '../../src/target/start-order-server.js';
import { collectExit, makeTempDir, type CliResult } from '../helpers/cli-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy/kubernetes');
const MODELS = { Job, ConfigMap, PersistentVolumeClaim } as const;

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

// The manifests as Kubernetes objects, each checked against its API schema.
function manifest<K extends keyof typeof MODELS>(file: string, kind: K): InstanceType<(typeof MODELS)[K]> {
  const object = parse(readFileSync(join(DEPLOY, file), 'utf8')) as { kind: string };
  expect(object.kind).toBe(kind);
  const model = new MODELS[kind](object as never) as InstanceType<(typeof MODELS)[K]>;
  model.validate();
  return model;
}

type Container = NonNullable<Job['spec']>['template']['spec'] extends infer S ? (S extends { containers: Array<infer C> } ? C : never) : never;

function containerOf(job: Job): Container {
  const containers = job.spec!.template.spec!.containers;
  expect(containers).toHaveLength(1);
  return containers[0]!;
}

const envOf = (container: Container): Record<string, string> => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? '']));

/**
 * Runs a container's command and args as written, on this machine: its volume mounts and the
 * image's /app are mapped onto local directories, its env set as the pod's would be.
 */
function runContainer(container: Container, paths: Record<string, string>, env: Record<string, string>): Promise<CliResult> {
  // One pass, so that a mapped path is never mapped again.
  const pattern = new RegExp(Object.keys(paths).map((from) => from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'g');
  const mapped = (text: string): string => text.replace(pattern, (from) => paths[from]!);
  const [command, ...rest] = [...container.command!, ...(container.args ?? [])].map(mapped);
  const child = spawn(command!, rest, {
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...envOf(container), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  return collectExit(child);
}

describe('deploy/kubernetes', () => {
  it('every manifest is a valid Kubernetes object, and the Jobs agree on the segments', () => {
    const names = readdirSync(DEPLOY).filter((name) => name.endsWith('.yaml')).sort();
    expect(names).toEqual(['merge-job.yaml', 'reports-pvc.yaml', 'scenario-configmap.yaml', 'segments-job.yaml']);
    const segments = manifest('segments-job.yaml', 'Job');
    const merge = manifest('merge-job.yaml', 'Job');
    const scenarioMap = manifest('scenario-configmap.yaml', 'ConfigMap');
    const pvc = manifest('reports-pvc.yaml', 'PersistentVolumeClaim');

    expect(segments.spec!.completionMode).toBe('Indexed');
    const env = envOf(containerOf(segments));
    expect(segments.spec!.completions).toBe(Number(env['SEGMENTS']));
    expect(segments.spec!.parallelism).toBe(segments.spec!.completions);
    expect(env['GRPC_BENCH_START_AT']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(envOf(containerOf(merge))['RUN_ID']).toBe(env['RUN_ID']);
    // Both Jobs mount the one claim; the segments also the scenario's ConfigMap.
    for (const job of [segments, merge]) {
      expect(job.spec!.template.spec!.volumes!.find((v) => v.name === 'reports')!.persistentVolumeClaim!.claimName).toBe(pvc.metadata!.name);
    }
    expect(segments.spec!.template.spec!.volumes!.find((v) => v.name === 'scenario')!.configMap!.name).toBe(scenarioMap.metadata!.name);
    expect(pvc.spec!.accessModes).toEqual(['ReadWriteMany']);
    const scenario = parse(scenarioMap.data!['scenario.yaml']!) as { load: { connections: number } };
    expect(scenario.load.connections).toBeGreaterThanOrEqual(segments.spec!.completions!);
  });

  it("the pods' own commands, run here against a local server with one start time, merge into a reconciled run whose segments began together", async () => {
    const server = await startOrderServer({ port: 0 });
    cleanups.push(() => server.forceShutdown());
    const temp = makeTempDir('grpc-bench-k8s-');
    cleanups.push(temp.remove);
    const scenarioDir = join(temp.dir, 'scenario');
    const reportsDir = join(temp.dir, 'reports');
    mkdirSync(scenarioDir);
    mkdirSync(reportsDir);

    const segments = manifest('segments-job.yaml', 'Job');
    const merge = manifest('merge-job.yaml', 'Job');
    // The ConfigMap's scenario, pointed at the local server and kept short and small.
    const scenario = parse(manifest('scenario-configmap.yaml', 'ConfigMap').data!['scenario.yaml']!) as Record<string, Record<string, unknown>>;
    Object.assign(scenario, { target: server.address, thresholds: {} });
    scenario['load'] = { ...scenario['load'], streams: 6, connections: 3, workers: 1, duration: '2s' };
    scenario['stream'] = { ...scenario['stream'], messages: 20 };
    writeFileSync(join(scenarioDir, 'scenario.yaml'), JSON.stringify(scenario));
    const paths = { '/scenario/': `${scenarioDir}/`, '/reports/': `${reportsDir}/`, '/app/': ROOT };

    // The value the user sets once in the manifest: a few seconds ahead, so every pod has connected.
    const startAtMs = Math.ceil((Date.now() + 5000) / 1000) * 1000;
    const startAt = new Date(startAtMs).toISOString().replace('.000Z', 'Z');
    // Just before the start time the server has seen no request: the pods hold their load until then.
    let seenBeforeStart: number | undefined;
    const peek = setTimeout(() => (seenBeforeStart = server.counters.snapshot().messagesReceived), startAtMs - 300 - Date.now());
    cleanups.push(() => clearTimeout(peek));

    const count = segments.spec!.completions!;
    const pods = await Promise.all(
      Array.from({ length: count }, (_, index) => runContainer(containerOf(segments), paths, { JOB_COMPLETION_INDEX: String(index), GRPC_BENCH_START_AT: startAt })),
    );
    for (const pod of pods) expect(pod.code, pod.stderr).toBe(0);
    expect(seenBeforeStart).toBe(0);

    const mergePod = await runContainer(containerOf(merge), paths, {});
    expect(mergePod.code, mergePod.stderr).toBe(0);

    const runDir = join(reportsDir, envOf(containerOf(segments))['RUN_ID']!);
    const parts = Array.from({ length: count }, (_, i) => JSON.parse(readFileSync(join(runDir, `seg-${i + 1}.json`), 'utf8')) as Report);
    const merged = JSON.parse(readFileSync(join(runDir, 'merged', 'report.json'), 'utf8')) as Report;
    expect(merged.mergedSegments).toEqual({ count, indexes: [1, 2, 3] });
    const { messagesSent, messagesReceived, messagesFailed, inFlightAtStop } = merged.counts;
    expect(messagesSent).toBeGreaterThan(0);
    expect(messagesSent).toBe(messagesReceived + messagesFailed + inFlightAtStop);
    for (const key of ['messagesSent', 'messagesReceived', 'messagesFailed', 'inFlightAtStop'] as const) {
      expect(merged.counts[key]).toBe(parts.reduce((sum, part) => sum + part.counts[key], 0));
    }

    // Every segment's first interval begins (startedAt + tMs − durationMs) within 50 ms of the others'.
    const firstBegins = parts.map((part) => Date.parse(part.startedAt) + part.intervals[0]!.tMs - part.intervals[0]!.durationMs);
    expect(Math.max(...firstBegins) - Math.min(...firstBegins)).toBeLessThanOrEqual(50);
    for (const part of parts) expect(Date.parse(part.startedAt)).toBeGreaterThanOrEqual(startAtMs);
    expect(merged.startedAt).toBe(parts.map((p) => p.startedAt).sort()[0]);
  });
});
