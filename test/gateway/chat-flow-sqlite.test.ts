import { describeChatFlow } from './chat-flow-suite.js';

describeChatFlow('SQLite store', { env: async () => ({}) });
