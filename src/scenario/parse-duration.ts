const UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)$/;

/**
 * Parses a duration string ("250ms", "10s", "1.5m", "2h", "500us") into milliseconds.
 * Returns undefined for anything else: callers name the field in their error.
 */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** Formats milliseconds the way a user writes them (for reports and messages). */
export function formatDurationMs(durationMs: number): string {
  if (durationMs >= 60_000 && durationMs % 60_000 === 0) return `${durationMs / 60_000}m`;
  if (durationMs >= 1000 && durationMs % 1000 === 0) return `${durationMs / 1000}s`;
  return `${durationMs}ms`;
}
