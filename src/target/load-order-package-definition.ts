import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { ORDER_PROTO_PATH } from './order-proto-path.js';

/**
 * Loads proto/order.proto with the options both the server and clients rely on:
 * field names kept as written (request_id), 64-bit ints and enums as strings,
 * defaults filled in, oneofs reported.
 */
export function loadOrderPackageDefinition(): PackageDefinition {
  return loadSync(ORDER_PROTO_PATH, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
}
