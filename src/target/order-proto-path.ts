import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of proto/order.proto. Source modules live in src/target/ (two levels
 * below the repo root) while compiled ones live in dist/src/target/ (three levels), so
 * both locations are tried; the first that exists wins.
 */
function locateOrderProto(): string {
  const candidates = ['../../proto/order.proto', '../../../proto/order.proto'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(`order.proto not found; looked in: ${candidates.join(', ')}`);
  }
  return found;
}

export const ORDER_PROTO_PATH: string = locateOrderProto();
