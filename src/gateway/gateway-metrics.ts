/** Sockets and rooms on this instance, read when metrics are scraped. */
export interface SocketCensus {
  connected: number;
  sessionRooms: number;
  userRooms: number;
}

/** What the socket namespace tells the service's metrics. */
export interface SocketEventMetrics {
  eventReceived(event: string): void;
  /** An event (or `connect`, a refused handshake) answered with an error; `code` says why. */
  eventRejected(event: string, code: string): void;
}

/** What the gateway needs of the service's metrics: recording socket events, and serving `/metrics`. */
export interface GatewayMetrics extends SocketEventMetrics {
  /** The sockets and rooms are counted by asking `census` at each scrape. */
  watchSockets(census: () => SocketCensus): void;
  /** The Prometheus text exposition of every metric of this instance. */
  render(): Promise<{ contentType: string; body: string }>;
}
