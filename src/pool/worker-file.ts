import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled worker entry. From dist/ it sits beside this module; from the TypeScript
 * sources (tests) it is the build output, since worker threads run plain JavaScript.
 */
export function workerFile(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(new URL('../../dist/src/pool/worker.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new Error(`worker entry not found at ${beside} or ${built}: run "npm run build" first`);
}
