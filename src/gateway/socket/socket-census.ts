/** The parts of a namespace a census reads (socket.io's Namespace has them). */
interface CountedNamespace {
  sockets: { size: number };
  adapter: { rooms: ReadonlyMap<string, unknown> };
}

/**
 * Counts this instance's sockets and rooms. Rooms are the adapter's local ones (with Redis too), by the
 * protocol's prefixes; each socket's own room (its id) is not counted.
 */
export function socketCensus(namespace: CountedNamespace) {
  let sessionRooms = 0;
  let userRooms = 0;
  for (const room of namespace.adapter.rooms.keys()) {
    if (room.startsWith('session:')) sessionRooms += 1;
    else if (room.startsWith('user:')) userRooms += 1;
  }
  return { connected: namespace.sockets.size, sessionRooms, userRooms };
}
