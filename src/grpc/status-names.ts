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

/**
 * Parses a gRPC status given by name in any case ('UNAVAILABLE', 'unavailable') or as a
 * decimal number ('14'). Returns undefined for anything that is not a known status.
 */
export function parseStatusName(name: string): number | undefined {
  const text = name.trim();
  if (/^\d+$/.test(text)) {
    const code = Number(text);
    return NAMES[code] === undefined ? undefined : code;
  }
  const code: unknown = (status as unknown as Record<string, unknown>)[text.toUpperCase()];
  return typeof code === 'number' ? code : undefined;
}
