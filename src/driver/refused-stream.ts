/**
 * How both transports describe a stream the server refused with RST_STREAM REFUSED_STREAM
 * (status UNAVAILABLE): the server processed nothing on it, typically because it was over the
 * server's SETTINGS_MAX_CONCURRENT_STREAMS. The run counts these as refused (see ShareRun).
 */
export const REFUSED_STREAM_DETAILS = 'the server refused the stream (RST_STREAM REFUSED_STREAM, nothing processed; over its concurrent-stream limit?)';

/** grpc-js's details for the same refusal, once its one transparent retry was refused too. */
const GRPC_JS_REFUSED = 'Stream refused by server';

/** The details as the run counts them: grpc-js's refusal in the words the http2 transport uses. */
export function uniformRefusalDetails(statusName: string, details: string): string {
  return statusName === 'UNAVAILABLE' && details === GRPC_JS_REFUSED ? REFUSED_STREAM_DETAILS : details;
}
