import { describe, expect, it, vi } from 'vitest';
import { UrlProviderError } from '../protocol/errors';
import { type DebugEvent, logToConsole } from './debug-log';
import { type HandleHost, TabSocketHandle } from './tab-socket';

function handleLoggedTo() {
  const handle = new TabSocketHandle('chat', { tabId: 'tab-1' } as HandleHost);
  const logged: Array<[string, DebugEvent]> = [];
  logToConsole(handle, (line, event) => logged.push([line, event]));
  return { handle, logged };
}

describe('logToConsole', () => {
  it('names a heartbeat miss, with the attempt and the delay that follow', () => {
    const { handle, logged } = handleLoggedTo();
    const detail = { from: 'open', reason: 'heartbeat-timeout', attempt: 3, delay: 2_500 } as const;
    handle.receive({ kind: 'state', name: 'chat', state: 'backoff', detail });
    expect(logged).toEqual([
      [
        'tabsocket "chat": open → backoff (heartbeat missed, attempt 3, retry in 2500 ms)',
        { name: 'chat', state: 'backoff', detail },
      ],
    ]);
  });

  it('shows the close reason of a stop code, and an error with its code', () => {
    const { handle, logged } = handleLoggedTo();
    const detail = {
      from: 'open',
      reason: 'stop-code',
      code: 4401,
      closeReason: 'expired',
    } as const;
    handle.receive({ kind: 'state', name: 'chat', state: 'failed', detail });
    const error = new UrlProviderError('tabsocket: the url function of "chat" threw: boom');
    handle.receive({
      kind: 'error',
      name: 'chat',
      error: { code: error.code, message: error.message },
    });
    expect(logged.map(([line]) => line)).toEqual([
      'tabsocket "chat": open → failed (stop-code, code 4401 "expired")',
      'tabsocket "chat": TS_ERR_URL_PROVIDER: tabsocket: the url function of "chat" threw: boom',
    ]);
    expect(logged[1]?.[1]).toMatchObject({
      state: 'failed',
      error: { code: 'TS_ERR_URL_PROVIDER' },
    });
  });

  it('logs to console.log with true', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const handle = new TabSocketHandle('chat', { tabId: 'tab-1' } as HandleHost);
    logToConsole(handle, true);
    handle.receive({
      kind: 'state',
      name: 'chat',
      state: 'offline',
      detail: { from: 'open', reason: 'offline' },
    });
    expect(log).toHaveBeenCalledWith('tabsocket "chat": open → offline (offline)');
    log.mockRestore();
  });
});
