/** Every report format, by its `-O` name, in the order help and errors list them; the reporter registry has one reporter for each. */
export const REPORT_FORMATS = [
  'console', 'json', 'csv', 'junit', 'markdown', 'prometheus', 'influx', 'html',
  // ghz's formats, in its shapes and units (`grpc-bench ghz -O json` is ghz-json).
  'ghz-summary', 'ghz-json', 'ghz-pretty', 'ghz-csv', 'ghz-html', 'ghz-influx-summary', 'ghz-influx-details', 'ghz-prometheus',
] as const;

export type ReportFormat = (typeof REPORT_FORMATS)[number];
