import { status } from '@grpc/grpc-js';

const NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(status)
    .filter(([, code]) => typeof code === 'number')
    .map(([name, code]) => [code as number, name]),
);

/** gRPC status code → its canonical name ("OK", "UNAVAILABLE"); unknown codes read "CODE_42". */
export function statusName(code: number): string {
  return NAMES[code] ?? `CODE_${code}`;
}
