import {
  ConnectionClosedError,
  ConnectionFailedError,
  OutboxFullError,
  type TabSocketError,
} from '../../protocol/errors';
import type { ConnectionState } from '../../protocol/state';

/**
 * Why a send is refused where it enters the hub (`SharedConnection.send`, whatever the
 * role): the login ended, or `outboxLimit` messages wait already. Past this gate a send is
 * the connection's to settle: no owner a peer hands it to, and no socket that takes it over
 * from the relay, refuses it for the limit.
 */
export function refuseSend(
  state: ConnectionState,
  queued = 0,
  outboxLimit = Number.POSITIVE_INFINITY,
): TabSocketError | undefined {
  if (state === 'closed') return new ConnectionClosedError('tabsocket: the connection is closed');
  if (state === 'failed') {
    return new ConnectionFailedError('tabsocket: the connection failed and will not reconnect');
  }
  if (queued >= outboxLimit) {
    return new OutboxFullError(
      `tabsocket: ${outboxLimit} messages are waiting already (outboxLimit)`,
    );
  }
  return undefined;
}
