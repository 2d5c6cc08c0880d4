import { type FerretDb, startFerretDb } from '../support/ferretdb.js';
import { describeChatFlow } from './chat-flow-suite.js';

let ferret: FerretDb | null = null;

describeChatFlow('MongoDB store on FerretDB', {
  async env() {
    ferret = await startFerretDb();
    return ferret ? { MONGODB_URI: `${ferret.uri}echotune_chat_flow` } : null;
  },
  stop: async () => ferret?.stop(),
});
