export { createGateway, type Gateway, type GatewayOptions, type ServedRoute } from './create-gateway.js';
export type { GatewayMetrics, SocketCensus, SocketEventMetrics } from './gateway-metrics.js';
