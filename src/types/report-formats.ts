/** Every report format, by its `-O` name, in the order help and errors list them; the reporter registry has one reporter for each. */
export const REPORT_FORMATS = ['console', 'json', 'csv', 'junit', 'markdown', 'prometheus', 'influx', 'html'] as const;

export type ReportFormat = (typeof REPORT_FORMATS)[number];
