/**
 * Shapes of the pb.OrderService messages as seen in JavaScript when proto/order.proto is
 * loaded with keepCase: true and defaults: true (field names exactly as in the .proto).
 */
export interface Item {
  sku_id: string;
  count: number;
}

export interface CreateOrderRequest {
  request_id: string;
  user_id: string;
  items: Item[];
}

export interface CreateOrderResponse {
  request_id: string;
  order_id: string;
  /** 'CREATED' for every successful answer. */
  status: string;
  /** The serving instance's knob `version`, e.g. 'v1'. */
  served_by: string;
}

/** Fully qualified service name, as registered for health checking and reflection. */
export const ORDER_SERVICE_NAME = 'pb.OrderService';
