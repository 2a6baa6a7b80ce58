import { isBenchError, type SerializedError } from '../errors/bench-error.js';
import { compileMetadataTemplate, compileRequestData } from '../scenario/compile-message-template.js';
import { createTransport } from '../driver/create-transport.js';
import { loadBidiMethod, loadBidiMethodFromDescriptorSet } from '../driver/load-method.js';
import { methodFacts } from '../driver/bidi-method.js';
import { ShareRun } from '../driver/share-run.js';
import { FlowRecorder } from '../driver/flow-recorder.js';
import { compileFlowProgram, flowFieldsOf } from '../driver/flow-program.js';
import { VersionFlowRecorders } from '../driver/version-flow-recorders.js';
import { callStreamSettings } from '../driver/call-stream-settings.js';
import { requestMessages } from '../types/call-kind.js';
import { assertSendableMetadata } from '../driver/assert-sendable-metadata.js';
import { secretRedactor } from '../redact/redact-secret-text.js';
import { enableFastRecording } from '../stats/latency-histogram.js';
import { primeNextTick } from './prime-next-tick.js';
import { emptyResult, type ControlMessage, type WorkerResult, type WorkerTask } from '../types/worker-protocol.js';

/**
 * Piscina worker entry: runs one worker's share and returns its result. Interval snapshots
 * go out on the task's port as they happen; a `stop` on the same port ends the share early.
 * Setup failures come back as `fatal` data, never as a thrown error.
 */
export default async function runWorkerTask(task: WorkerTask): Promise<WorkerResult> {
  const { port, share } = task;
  // Errors may quote request headers (a server echoing them, a library's message): never a secret.
  const redact = secretRedactor(task.call.metadata, task.call.split?.routedMetadata);
  try {
    primeNextTick();
    await enableFastRecording();
    const { descriptorSet, protoPath } = task.call;
    const method =
      descriptorSet === undefined
        ? loadBidiMethod(protoPath ?? '', task.call.importPaths, task.call.call)
        : loadBidiMethodFromDescriptorSet(Buffer.from(descriptorSet, 'base64'), task.call.call, `target ${task.call.target} (server reflection)`);
    const kind = task.call.kind ?? 'bidi';
    const facts = methodFacts(method);
    const template = compileRequestData(task.call.data, task.stream.correlateBy, kind === 'unary' || kind === 'serverStreaming', facts);
    const stream = callStreamSettings(kind, task.stream, requestMessages(task.call.data).length, share.callBudget !== undefined);
    const streamMetadata = compileMetadataTemplate(task.call.metadata, facts);
    assertSendableMetadata('metadata', task.call.metadata);
    if (task.call.split) assertSendableMetadata('split.routed.metadata', task.call.split.routedMetadata);
    const flowRecorder = task.flow ? new FlowRecorder(task.flow) : undefined;
    // A split run also counts the flow by version (docs/flows.md, "Flows in a split run").
    const flowVersions = task.flow && task.call.split ? new VersionFlowRecorders(task.flow) : undefined;
    const flow = task.flow && flowRecorder ? { program: compileFlowProgram(task.flow, method, template.build, task.stream.correlateBy, flowRecorder, template.single, flowVersions), recorder: flowRecorder } : undefined;
    const flowFields = task.flow ? flowFieldsOf(task.flow) : undefined;
    const transport = createTransport(task.call.transport, {
      target: task.call.target,
      insecure: task.call.insecure,
      ...(task.call.tls ? { tls: task.call.tls } : {}),
      metadata: task.call.metadata,
      maxReceiveMessageBytes: task.call.maxReceiveMessageBytes,
      ...(task.call.authority === undefined ? {} : { authority: task.call.authority }),
      ...(task.call.keepaliveMs === undefined ? {} : { keepaliveMs: task.call.keepaliveMs }),
      ...(task.call.loadBalancing === undefined ? {} : { loadBalancing: task.call.loadBalancing }),
      ...(task.call.maxSendMessageBytes === undefined ? {} : { maxSendMessageBytes: task.call.maxSendMessageBytes }),
      ...(task.call.compression === undefined ? {} : { compression: task.call.compression }),
      method,
      ...(task.stream.correlateBy === undefined ? {} : { correlateBy: task.stream.correlateBy }),
      ...(task.call.split?.field ? { splitField: task.call.split.field } : {}),
      ...(task.call.split?.header ? { splitHeader: task.call.split.header } : {}),
      workerId: share.workerId,
      // A flow's sends are built from their own templates: each is spliced by its own (requestTemplates).
      ...(template.single && !task.flow ? { requestTemplate: template.single } : {}),
      // A flow that names no response field has none read (each response still reaches it).
      ...(flowFields ? { flowFields } : {}),
      ...(flow ? { requestTemplates: flow.program.templates } : {}),
    });
    const run = new ShareRun({
      share,
      ...(task.call.split ? { split: task.call.split } : {}),
      stream,
      transport,
      buildMessage: template.build,
      ...(streamMetadata ? { streamMetadata } : {}),
      kind,
      snapshotIntervalMs: task.snapshotIntervalMs,
      drainTimeoutMs: task.drainTimeoutMs,
      connectTimeoutMs: task.connectTimeoutMs,
      ...(redact ? { redactDetails: redact } : {}),
      onSnapshot: (snapshot) => port.postMessage(snapshot),
      ...(flow ? { flow } : {}),
    });
    port.on('message', (message: ControlMessage) => {
      if (message.type === 'stop') run.stopSending(true);
    });
    return await run.run();
  } catch (error) {
    const fatal: SerializedError = isBenchError(error)
      ? { code: error.code, message: error.message }
      : { code: 'INTERNAL', message: `worker ${share.workerId}: ${(error as Error)?.stack ?? String(error)}` };
    if (redact) fatal.message = redact(fatal.message);
    return { ...emptyResult(share.workerId), fatal };
  } finally {
    port.close();
  }
}
