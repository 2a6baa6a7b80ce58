import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/** An import of a .proto that no place holds: which file imports it and the places looked in. */
export interface MissingProtoImport {
  importingFile: string;
  imported: string;
  tried: string[];
}

// protobufjs bundles these; they are never looked up on disk.
const BUNDLED = /^google\/protobuf\//;
const IMPORT = /^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;/gm;

/**
 * The first import, from `protoPath` down, that is found neither in an import path nor beside its
 * importing file, in the order @grpc/proto-loader looks. Undefined when every import is found.
 */
export function findMissingProtoImport(protoPath: string, importPaths: readonly string[], seen = new Set<string>()): MissingProtoImport | undefined {
  if (seen.has(protoPath)) return undefined;
  seen.add(protoPath);
  let text: string;
  try {
    text = readFileSync(protoPath, 'utf8');
  } catch {
    return undefined;
  }
  for (const [, imported] of text.matchAll(IMPORT)) {
    if (BUNDLED.test(imported!)) continue;
    const tried = isAbsolute(imported!) ? [imported!] : [...importPaths.map((dir) => join(dir, imported!)), join(dirname(protoPath), imported!)];
    const found = tried.find((path) => existsSync(path));
    if (found === undefined) return { importingFile: protoPath, imported: imported!, tried };
    const deeper = findMissingProtoImport(found, importPaths, seen);
    if (deeper) return deeper;
  }
  return undefined;
}
