/** Distinct "STATUS: details" texts kept per worker; the rest are folded into one line per status. */
export const MAX_ERROR_DETAILS = 50;

/**
 * Error events by "STATUS: details", bounded in size: a server that puts a request id in every
 * error message must not grow the worker's result without limit. Once MAX_ERROR_DETAILS texts
 * are kept, a new text counts under "STATUS: (other details)"; texts already kept still count.
 */
export class ErrorTally {
  /** "STATUS: details" → count; what WorkerResult.errorDetails carries. */
  readonly details: Record<string, number> = {};
  private kept = 0;

  /** @param redactDetails applied to every text before it is counted (secret metadata values out) */
  constructor(private readonly redactDetails?: (details: string) => string) {}

  count(statusName: string, rawDetails: string): void {
    const details = this.redactDetails ? this.redactDetails(rawDetails) : rawDetails;
    const key = `${statusName}: ${details || '(no details)'}`;
    if (key in this.details) {
      this.details[key]!++;
    } else if (this.kept < MAX_ERROR_DETAILS) {
      this.details[key] = 1;
      this.kept++;
    } else {
      const other = `${statusName}: (other details)`;
      if (!(other in this.details)) this.kept++;
      this.details[other] = (this.details[other] ?? 0) + 1;
    }
  }
}
