// Shared with the reference service; kept here so the driver's imports still resolve.
export { statusName } from '../grpc/status-names.js';
