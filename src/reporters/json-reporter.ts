import type { Reporter } from './reporter.js';

export const jsonReporter: Reporter = {
  name: 'json',
  extension: 'json',
  render: (report) => `${JSON.stringify(report, null, 2)}\n`,
};
