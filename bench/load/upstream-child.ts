/** The fault upstream in a process of its own, so it never shares an event loop with the clients. */
import { runFaultUpstream } from './fault-upstream.js';

const [port, faultShare] = process.argv.slice(2).map(Number);
runFaultUpstream(port!, faultShare!);
