/** Every error code tabsocket raises: stable strings, safe to branch on. */
export type TabSocketErrorCode =
  | 'TS_ERR_INVALID_OPTION'
  | 'TS_ERR_INVALID_ARGUMENT'
  | 'TS_ERR_OUTBOX_FULL'
  | 'TS_ERR_CLOSED'
  | 'TS_ERR_FAILED'
  | 'TS_ERR_RELEASED'
  | 'TS_ERR_MALFORMED_FRAME'
  | 'TS_ERR_WORKER';

/**
 * The base of every error tabsocket throws, rejects with or emits. `code` is stable across
 * versions and survives the tab ↔ worker crossing; `message` is for people.
 */
export class TabSocketError extends Error {
  override name = 'TabSocketError';
  readonly code: TabSocketErrorCode;

  constructor(code: TabSocketErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
