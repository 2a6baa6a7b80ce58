import * as grpc from '@grpc/grpc-js';
import { BenchError } from '../errors/bench-error.js';
import { channelSecurity, type ConnectionSecurity } from './channel-credentials.js';
import { encodeFileDescriptorSet, readFileDescriptorHeader } from './file-descriptor-set.js';
import { loadBidiMethodFromDescriptorSet, splitCallName, type BidiMethod } from './load-method.js';
import { ReflectionSession, ReflectionStatusError, type ReflectionRequest, type ReflectionResponse } from './reflection-session.js';
import { statusName } from '../grpc/status-names.js';

export interface ReflectOptions {
  /** "host:port". */
  target: string;
  security: ConnectionSecurity;
  /** Normalised "package.Service/Method". */
  call: string;
  /** For the whole exchange. */
  timeoutMs: number;
  /** Metadata for the reflection requests only. */
  metadata?: Record<string, string>;
}

export interface ReflectedMethod {
  method: BidiMethod;
  /** The FileDescriptorSet the method was loaded from, base64: what workers load it from. */
  descriptorSet: string;
}

const NOT_FOUND = grpc.status.NOT_FOUND;
const GIVE_PROTO = 'give the .proto with proto: or --proto';

/** A named serialized FileDescriptorProto. */
interface DescriptorFile {
  name: string;
  dependencies: string[];
  bytes: Buffer;
}

/**
 * Adds files, then fetches every imported file not yet seen (by name) until the set is
 * closed under imports. A server may send a file's imports with it, or not at all.
 */
export async function closeOverImports(first: Buffer[], fetchFile: (name: string, importedBy: string) => Promise<Buffer[]>): Promise<Buffer[]> {
  const files = new Map<string, DescriptorFile>();
  const add = (bytes: Buffer[]): void => {
    for (const file of bytes) {
      const header = readFileDescriptorHeader(file);
      if (!files.has(header.name)) files.set(header.name, { ...header, bytes: file });
    }
  };
  add(first);
  for (;;) {
    const missing = [...files.values()].flatMap((file) => file.dependencies.filter((d) => !files.has(d)).map((d) => [d, file.name] as const))[0];
    if (!missing) break;
    const fetched = await fetchFile(missing[0], missing[1]);
    add(fetched);
    if (!files.has(missing[0])) throw new RangeError(`the server sent no file "${missing[0]}" (imported by "${missing[1]}")`);
  }
  return [...files.values()].map((file) => file.bytes);
}

/**
 * Finds the bidi method by server reflection: asks the target for the file that declares the
 * service, follows its imports, and loads the resulting FileDescriptorSet exactly as a .proto
 * would be. Errors are one-line BenchErrors: REFLECTION_FAILED when the target cannot tell,
 * METHOD_NOT_FOUND (listing the services it reports) when it does not serve the service.
 */
export async function reflectBidiMethod(options: ReflectOptions): Promise<ReflectedMethod> {
  const where = `target ${options.target}`;
  const [serviceName] = splitCallName(options.call);
  const { credentials, options: channelOptions } = channelSecurity(options.security);
  const client = new grpc.Client(options.target, credentials, { 'grpc.use_local_subchannel_pool': 1, ...channelOptions });
  const session = new ReflectionSession(client, Date.now() + options.timeoutMs, options.metadata);

  const files = async (request: ReflectionRequest, what: string): Promise<Buffer[] | { notFound: string }> => {
    const response: ReflectionResponse = await session.ask(request);
    const error = response.error_response;
    if (error) {
      if (error.error_code === NOT_FOUND) return { notFound: error.error_message ?? '' };
      throw new BenchError('REFLECTION_FAILED', `${where}: server reflection cannot find ${what} (${statusName(error.error_code ?? 2)}: ${error.error_message ?? ''})`);
    }
    return response.file_descriptor_response?.file_descriptor_proto ?? [];
  };

  try {
    const first = await files({ file_containing_symbol: serviceName }, `service "${serviceName}"`);
    if (!Array.isArray(first)) {
      const listed = (await session.ask({ list_services: '*' })).list_services_response?.service?.map((s) => s.name) ?? [];
      throw new BenchError(
        'METHOD_NOT_FOUND',
        `call: service "${serviceName}" is not served by ${where}; server reflection lists ${listed.length ? listed.join(', ') : 'no services'}`,
      );
    }
    let all: Buffer[];
    try {
      all = await closeOverImports(first, async (name, importedBy) => {
        const found = await files({ file_by_filename: name }, `file "${name}" (imported by "${importedBy}")`);
        if (!Array.isArray(found)) throw new RangeError(`the server has no file "${name}" (imported by "${importedBy}")`);
        return found;
      });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new BenchError('REFLECTION_FAILED', `${where}: server reflection sent unusable descriptors: ${error.message}; ${GIVE_PROTO}`);
    }
    const descriptorSet = encodeFileDescriptorSet(all);
    const method = loadBidiMethodFromDescriptorSet(descriptorSet, options.call, `${where} (server reflection)`);
    return { method, descriptorSet: descriptorSet.toString('base64') };
  } catch (error) {
    if (!(error instanceof ReflectionStatusError)) throw error;
    const status = statusName(error.code);
    const detail = error.code === grpc.status.UNIMPLEMENTED || !error.details ? status : `${status}: ${error.details}`;
    throw new BenchError('REFLECTION_FAILED', `${where}: server reflection is not available (${detail}); ${GIVE_PROTO}`);
  } finally {
    session.close();
    client.close();
  }
}
