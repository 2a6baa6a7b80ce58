/** What the server's SETTINGS frame limits; absent: the server advertised no limit. */
export interface PeerSettings {
  /** SETTINGS_MAX_CONCURRENT_STREAMS: streams the server accepts at once on one connection. */
  maxConcurrentStreams?: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE: request headers the server accepts, bytes (name + value + 32 per field). */
  maxHeaderListSizeBytes?: number;
}

