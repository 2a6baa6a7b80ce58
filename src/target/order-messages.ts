/**
 * Shapes of the pb.OrderService messages as seen in JavaScript when proto/order.proto is
 * loaded with keepCase: true, enums: String and defaults: true (field names exactly as in the .proto).
 */
export interface Item {
  sku_id: string;
  count: number;
}

/** ORDER places an order, CONFIRM confirms a reservation (the reservation protocol). */
export type RequestKind = 'ORDER' | 'CONFIRM';

export interface CreateOrderRequest {
  request_id: string;
  user_id: string;
  items: Item[];
  /** Absent in requests built by hand; the server reads absent as 'ORDER'. */
  kind?: RequestKind;
  /** CONFIRM: the id of an earlier RESERVED response on the same stream. */
  reservation_id?: string;
  /** The order is REJECTED when confirmed, whatever the reject share. */
  reject?: boolean;
}

export interface StockUpdate {
  sku_id: string;
  available: number;
}

/** Every status the service answers with: CREATED in the echo protocol, the rest in the reservation protocol. */
export type OrderStatus = 'CREATED' | 'ACCEPTED' | 'RESERVED' | 'CONFIRMED' | 'REJECTED' | 'INVALID_RESERVATION' | 'STOCK_UPDATE';

export interface CreateOrderResponse {
  /** The request answered; '' on an unsolicited STOCK_UPDATE. */
  request_id: string;
  order_id: string;
  status: OrderStatus;
  /** The serving instance's knob `version`, e.g. 'v1'. */
  served_by: string;
  /** RESERVED, CONFIRMED, REJECTED: the reservation; INVALID_RESERVATION: the id the confirm carried. */
  reservation_id?: string;
  /** INVALID_RESERVATION: why the confirm was refused. */
  error?: string;
  /** STOCK_UPDATE only. */
  stock?: StockUpdate | null;
}

/** Fully qualified service name, as registered for health checking and reflection. */
export const ORDER_SERVICE_NAME = 'pb.OrderService';
