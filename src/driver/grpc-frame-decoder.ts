/**
 * gRPC length-prefixed messages on an HTTP/2 DATA stream: each message is a 1-byte
 * compressed flag, a 4-byte big-endian length, then that many bytes. Chunks arrive as the
 * transport reads them, so a message may span several chunks and a chunk may hold several
 * messages (or only part of a prefix).
 */
export interface GrpcMessageSink {
  /**
   * One whole message: bytes `start` to `end` of `payload`. `payload` is undefined when the
   * decoder only counts; otherwise it may be the chunk being decoded (no view made per message)
   * and is valid only during this call.
   */
  onMessage(payload: Buffer | undefined, compressed: boolean, start: number, end: number): void;
  /** The byte stream is not valid gRPC framing; nothing more is decoded. */
  onFrameError(reason: string): void;
  /** A message announced more bytes than the limit; nothing more is decoded. */
  onMessageTooLarge(lengthBytes: number, maxBytes: number): void;
}

const PREFIX_BYTES = 5;
const EMPTY = Buffer.alloc(0);

export class GrpcFrameDecoder {
  private readonly prefix = Buffer.alloc(PREFIX_BYTES);
  private prefixFilled = 0;
  /** Payload bytes of the current message still to come; -1 while reading a prefix. */
  private remaining = -1;
  private messageLength = 0;
  private compressed = false;
  private parts: Buffer[] = [];
  private failed = false;

  /** `keepPayload` false: messages are counted, their bytes skipped without copying. */
  constructor(
    private readonly sink: GrpcMessageSink,
    private readonly keepPayload: boolean,
    private readonly maxMessageBytes = Infinity,
  ) {}

  /** True between a message's first byte and its last: the stream ended inside a message. */
  get midMessage(): boolean {
    return this.prefixFilled > 0 || this.remaining >= 0;
  }

  push(chunk: Buffer): void {
    const end = chunk.length;
    let offset = 0;
    while (offset < end && !this.failed) {
      if (this.remaining < 0) {
        if (this.prefixFilled === 0 && end - offset >= PREFIX_BYTES) {
          if (!this.startMessage(chunk[offset]!, chunk.readUInt32BE(offset + 1))) return;
          offset += PREFIX_BYTES;
        } else {
          const take = Math.min(PREFIX_BYTES - this.prefixFilled, end - offset);
          chunk.copy(this.prefix, this.prefixFilled, offset, offset + take);
          this.prefixFilled += take;
          offset += take;
          if (this.prefixFilled < PREFIX_BYTES) return;
          this.prefixFilled = 0;
          if (!this.startMessage(this.prefix[0]!, this.prefix.readUInt32BE(1))) return;
        }
        if (this.remaining === 0) {
          this.emit(EMPTY, 0, 0);
          continue;
        }
      }
      const take = Math.min(this.remaining, end - offset);
      this.remaining -= take;
      if (this.remaining === 0 && this.parts.length === 0) {
        // The whole payload is in this chunk: no copy.
        if (this.keepPayload) this.emit(chunk, offset, offset + take);
        else this.emit(EMPTY, 0, 0);
      } else if (this.keepPayload) {
        this.parts.push(chunk.subarray(offset, offset + take));
        if (this.remaining === 0) {
          const payload = Buffer.concat(this.parts, this.messageLength);
          this.parts = [];
          this.emit(payload, 0, payload.length);
        }
      } else if (this.remaining === 0) {
        this.emit(EMPTY, 0, 0);
      }
      offset += take;
    }
  }

  private startMessage(flag: number, length: number): boolean {
    if (flag > 1) {
      this.failed = true;
      this.sink.onFrameError(`invalid message prefix: compressed flag ${flag}`);
      return false;
    }
    if (length > this.maxMessageBytes) {
      this.failed = true;
      this.sink.onMessageTooLarge(length, this.maxMessageBytes);
      return false;
    }
    this.compressed = flag === 1;
    this.messageLength = length;
    this.remaining = length;
    return true;
  }

  private emit(payload: Buffer, start: number, end: number): void {
    this.remaining = -1;
    this.sink.onMessage(this.keepPayload ? payload : undefined, this.compressed, start, end);
  }
}

/** One request message framed for the wire: prefix and payload in a single buffer. */
export function frameMessage(payload: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(PREFIX_BYTES + payload.length);
  framed[0] = 0;
  framed.writeUInt32BE(payload.length, 1);
  framed.set(payload, PREFIX_BYTES);
  return framed;
}
