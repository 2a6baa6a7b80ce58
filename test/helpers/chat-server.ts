import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export const CHAT_PROTO_PATH = fileURLToPath(new URL('../fixtures/chat.proto', import.meta.url));

/** A ChatMessage as the server sees it (int64 as a decimal string). */
export interface ChatMessage {
  msg_id: string;
  room: string;
  text: string;
  seq: string;
}

export interface ChatReply {
  msg_id: string;
  echoed: string;
  length: number;
}

export interface ChatServerHandle {
  address: string;
  /** Every message received, in arrival order. */
  received: ChatMessage[];
  /** Streams opened, streams the server ended OK, distinct client connections. */
  stats(): { streamsOpened: number; streamsCompleted: number; connectionsSeen: number; repliesSwapped: number };
  close(): void;
}

/**
 * chat.ChatService on 127.0.0.1:0. Converse answers every message once, echoing msg_id, but
 * out of order: it holds one message and answers the next one first. On the client's
 * half-close it answers whatever it still holds and ends the stream OK.
 */
export async function startChatServer(): Promise<ChatServerHandle> {
  const definition = grpc.loadPackageDefinition(
    loadSync(CHAT_PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true }),
  );
  const chat = definition['chat'] as Record<string, { service: grpc.ServiceDefinition }>;
  const received: ChatMessage[] = [];
  const peers = new Set<string>();
  let streamsOpened = 0;
  let streamsCompleted = 0;
  let repliesSwapped = 0;

  const converse = (call: grpc.ServerDuplexStream<ChatMessage, ChatReply>): void => {
    streamsOpened += 1;
    peers.add(call.getPeer());
    let held: ChatMessage | undefined;
    const reply = (message: ChatMessage): void => {
      call.write({ msg_id: message.msg_id, echoed: message.text, length: message.text.length });
    };
    call.on('data', (message: ChatMessage) => {
      received.push(message);
      if (held === undefined) {
        held = message;
        return;
      }
      reply(message);
      reply(held);
      held = undefined;
      repliesSwapped += 1;
    });
    call.on('end', () => {
      if (held !== undefined) reply(held);
      held = undefined;
      streamsCompleted += 1;
      call.end();
    });
    call.on('error', () => {
      // A cancelled stream; nothing to answer.
    });
  };

  const server = new grpc.Server();
  server.addService(chat['ChatService']!.service, { Converse: converse });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return {
    address: `127.0.0.1:${port}`,
    received,
    stats: () => ({ streamsOpened, streamsCompleted, connectionsSeen: peers.size, repliesSwapped }),
    close: () => server.forceShutdown(),
  };
}
