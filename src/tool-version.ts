import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** grpc-bench's own version, read from the package.json above this module (src/ or dist/src/). */
function readVersion(): string {
  for (const relative of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(fileURLToPath(new URL(relative, import.meta.url)), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'grpc-bench' && pkg.version) return pkg.version;
    } catch {
      // not at this level; try the next one up
    }
  }
  return '0.0.0';
}

export const TOOL_VERSION = readVersion();
