import type { TabSocketError } from '../protocol/errors';
import type { ConnectionState, StateDetail } from '../protocol/state';
import type { TabSocket } from './tab-socket';

/** What a debug line is about: a state change, or an error, of connection `name`. */
export type DebugEvent = { name: string; state: ConnectionState } & (
  | { detail: StateDetail }
  | { error: TabSocketError }
);

/** What `debug` takes besides `true`: gets each line and the facts in it. */
export type DebugLogger = (line: string, event: DebugEvent) => void;

/**
 * Logs, in this tab's console (or to `logger`), every state change of `socket` with its
 * reason, close code, attempt and delay, a heartbeat miss in words, and every error. Only
 * the tab listens: the worker sends these events to every tab anyway, so it costs nothing there.
 */
export function logToConsole(socket: TabSocket, logger: DebugLogger | true): void {
  const log: DebugLogger = logger === true ? (line) => console.log(line) : logger;
  const { name } = socket;
  const prefix = `tabsocket "${name}":`;
  socket.on('state', (state, detail) => {
    const { from, reason, code, closeReason, attempt, delay, transport } = detail;
    let facts = reason === 'heartbeat-timeout' ? 'heartbeat missed' : reason;
    // A WebSocket goes without saying; `open → connecting (transport)` says a move back to one.
    if (transport === 'sse') facts += ', over the HTTP stream';
    if (code !== undefined) facts += `, code ${code}${closeReason ? ` "${closeReason}"` : ''}`;
    if (attempt !== undefined) facts += `, attempt ${attempt}`;
    if (delay !== undefined) facts += `, retry in ${delay} ms`;
    log(`${prefix} ${from} → ${state} (${facts})`, { name, state, detail });
  });
  socket.on('error', (error) => {
    log(`${prefix} ${error.code}: ${error.message}`, { name, state: socket.state, error });
  });
}
