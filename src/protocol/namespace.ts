/** The socket.io namespace of the chat protocol (v1); zod-free, so the browser bundles imports it alone. */
export const CHAT_NAMESPACE = '/chat';
