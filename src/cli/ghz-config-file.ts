import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { BenchError } from '../errors/bench-error.js';
import { didYouMean, nearestNames } from '../scenario/nearest-names.js';
import { readScenarioText } from '../scenario/read-scenario-text.js';
import { showValue } from '../scenario/format-issues.js';
import { GHZ_FLAG_TABLE, type GhzOptions } from './ghz-flag-table.js';

/** Keys of a ghz config file that name files: relative to the config file here. */
const PATH_KEYS = ['proto', 'protoset', 'cacert', 'cert', 'key', 'data-file', 'binary-file', 'metadata-file', 'output', 'debug'] as const;

/** Keys a config file may hold: every flag's name (ghz's config keys are its flag names) and `host`; not `config` itself. */
const CONFIG_KEYS = new Set<string>([...GHZ_FLAG_TABLE.map((spec) => spec.flag).filter((flag) => flag !== 'config'), 'host']);

function parseConfig(file: string, text: string): unknown {
  const ext = extname(file).toLowerCase();
  try {
    if (ext === '.toml') return parseToml(text);
    if (ext === '.yaml' || ext === '.yml') return parseYaml(text);
    return JSON.parse(text);
  } catch (error) {
    const kind = ext === '.toml' ? 'TOML' : ext === '.yaml' || ext === '.yml' ? 'YAML' : 'JSON';
    throw new BenchError('SCENARIO_UNREADABLE', `${file}: not valid ${kind}: ${String((error as Error).message).split('\n')[0]}`);
  }
}

/**
 * A ghz config file (`--config`): JSON, TOML (`.toml`) or YAML (`.yaml`, `.yml`) by its
 * extension, anything else as JSON, as ghz reads them. Keys are ghz's flag names; an unknown
 * key is an error naming the nearest (ghz ignores it silently). File paths in it are made
 * relative to the file's directory; `import-paths` too.
 */
export function readGhzConfigFile(file: string, cwd: string): GhzOptions {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readScenarioText(path);
  } catch (error) {
    if (error instanceof BenchError) throw new BenchError(error.code, error.message.replace(path, file).replace('the scenario', 'the config file'));
    throw error;
  }
  const content = parseConfig(file, text);
  if (content === null || typeof content !== 'object' || Array.isArray(content)) {
    throw new BenchError('SCENARIO_INVALID', `${file}: expected an object of ghz settings at the top level, got ${showValue(content)}`);
  }
  const options: Record<string, unknown> = { ...(content as Record<string, unknown>) };
  for (const key of Object.keys(options)) {
    if (!CONFIG_KEYS.has(key)) throw new BenchError('SCENARIO_INVALID', `${file}: ${key}: not a ghz setting${didYouMean(nearestNames(key, CONFIG_KEYS))}`);
  }
  const base = dirname(path);
  const fromFile = (value: unknown, key: string): string => {
    if (typeof value !== 'string') throw new BenchError('SCENARIO_INVALID', `${file}: ${key}: expected a file path, got ${showValue(value)}`);
    return value === '' || isAbsolute(value) ? value : resolve(base, value);
  };
  for (const key of PATH_KEYS) if (options[key] !== undefined) options[key] = fromFile(options[key], key);
  const imports = options['import-paths'];
  if (imports !== undefined) {
    const list = typeof imports === 'string' ? imports.split(',') : Array.isArray(imports) ? imports : undefined;
    if (!list) throw new BenchError('SCENARIO_INVALID', `${file}: import-paths: expected a list of directories, got ${showValue(imports)}`);
    options['import-paths'] = list.filter((dir) => dir !== '').map((dir, i) => fromFile(dir, `import-paths[${i}]`));
  }
  return options as GhzOptions;
}
