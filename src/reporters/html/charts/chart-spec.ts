/**
 * One chart as plain data: what the page's script hands to uPlot. No DOM here, so the live
 * dashboard can build the same specs and draw them with the same browser script.
 */
export interface ChartSeriesSpec {
  label: string;
  /** Line or bar colour. */
  color: string;
  /** Canvas dash pattern, px: `[6, 4]`. */
  dash?: number[];
  /** Unit shown after hovered values: `msg/s`. */
  unit: string;
  /** Drawn as bars (histograms). */
  bars?: boolean;
  /** Draw a dot at each value (sparse series such as runs over time). */
  points?: boolean;
  /** This series' own x values, ascending (series of one chart may differ: the browser joins them). */
  x: number[];
  /** One value per x; null = no value (not 0), drawn as a gap. */
  y: (number | null)[];
}

/** A shaded span of the x axis with a caption (comparison rounds). */
export interface ChartBand {
  from: number;
  to: number;
  label: string;
}

/** A vertical line at `x` with a caption (a change point). */
export interface ChartMarker {
  x: number;
  label: string;
}

export interface ChartSpec {
  /** Goes to `data-chart`, so pages and tests can find the chart. */
  id: string;
  title: string;
  /** Axis titles, unit included: `time since load start (s)`. */
  xLabel: string;
  yLabel: string;
  /** Logarithmic x axis (latency histogram). */
  xLog?: boolean;
  series: ChartSeriesSpec[];
  bands?: ChartBand[];
  markers?: ChartMarker[];
  /** What the legend shows for the hovered x instead of its number, one per x of the first series: a run's tags. */
  xNames?: string[];
  /** The x axis starts here (default: 0, or the smallest x below it). */
  xMin?: number;
  /** The x axis ends here (the run's real end), not at a rounded-up tick. */
  xMax?: number;
  /** x values are counts (run numbers): ticks only at whole numbers. */
  xWhole?: boolean;
  /** One sentence under the chart (a leak called out, what a line means). */
  note?: string;
}

export const COLORS = {
  blue: '#2563eb',
  orange: '#ea580c',
  purple: '#7c3aed',
  teal: '#0d9488',
  green: '#16a34a',
  red: '#dc2626',
  grey: '#6b7280',
  pink: '#db2777',
} as const;

/** Line styles that stay apart when two series coincide: solid, dashed, dotted, dash-dot. */
export const DASHES: readonly (number[] | undefined)[] = [undefined, [8, 4], [2, 3], [10, 3, 2, 3]];

/**
 * JSON safe inside `<script type="application/json">`: `<`, `>` and `&` as \u escapes, so a
 * hostile label cannot close the element; U+2028/2029 escaped for old parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
