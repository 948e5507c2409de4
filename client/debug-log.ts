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
  const prefix = `tabsocket "${socket.name}":`;
  socket.on('state', (state, detail) => {
    const { from, reason, code, closeReason, attempt, delay } = detail;
    const facts = [
      reason === 'heartbeat-timeout' ? 'heartbeat missed' : reason,
      code === undefined ? '' : `code ${code}${closeReason ? ` "${closeReason}"` : ''}`,
      attempt === undefined ? '' : `attempt ${attempt}`,
      delay === undefined ? '' : `retry in ${delay} ms`,
    ];
    const line = `${prefix} ${from} → ${state} (${facts.filter(Boolean).join(', ')})`;
    log(line, { name: socket.name, state, detail });
  });
  socket.on('error', (error) => {
    log(`${prefix} ${error.code}: ${error.message}`, {
      name: socket.name,
      state: socket.state,
      error,
    });
  });
}
