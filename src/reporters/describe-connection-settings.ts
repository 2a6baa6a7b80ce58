import type { ReportSettings } from '../report/report.js';

/** How the run's connections were made, for a person: `transport grpc-js, load balancing pick_first` (older reports: their defaults). */
export function describeConnectionSettings(settings: Pick<ReportSettings, 'transport' | 'loadBalancing'>): string {
  return `transport ${settings.transport ?? 'grpc-js'}, load balancing ${settings.loadBalancing ?? 'pick_first'}`;
}
