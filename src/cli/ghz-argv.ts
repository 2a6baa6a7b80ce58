import { GHZ_FLAG_TABLE } from './ghz-flag-table.js';

const SHORT_LETTERS = new Set<string>([...GHZ_FLAG_TABLE.flatMap((spec) => ('short' in spec ? [spec.short] : [])), 'h', 'v']);

/**
 * ghz's docs write long flags with one dash (`-insecure -proto ./x.proto -call a.B.C`), as Go's
 * flag package took them; kingpin and yargs want two. Rewrites `-name` and `-name=value` to
 * `--name…` unless it is a short letter with its value attached (`-n2000`) or a negative
 * number; anything after `--` is left alone. An unknown `-name` becomes `--name` too, so the
 * misspelt-flag answer names it as typed with two dashes.
 */
export function normaliseGhzArgv(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, i) => {
    if ((end >= 0 && i > end) || !/^-[^-]/.test(arg) || /^-\d/.test(arg)) return arg;
    const name = arg.slice(1).split('=')[0]!;
    if (name.length === 1) return arg;
    const attachedShort = SHORT_LETTERS.has(name[0]!) && /^\w\d/.test(name);
    return attachedShort ? arg : `-${arg}`;
  });
}
