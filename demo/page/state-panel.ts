import type { ConnectionState, StateDetail } from 'tabsocket';
import { byId, h, trimChildren } from './dom';
import { clockTime } from './format';
import { HEARTBEAT } from './live-socket';

const MAX_HISTORY = 60;

/** What each state means to someone watching the page. */
const STATE_NOTES: Record<ConnectionState, string> = {
  idle: 'not connected',
  connecting: 'opening the socket',
  open: `heartbeat every ${HEARTBEAT.interval / 1000} s`,
  backoff: 'waiting to retry',
  offline: 'browser is offline',
  closed: 'logged out',
  failed: 'gave up',
};

/** The state badge and the timestamped history of transitions, newest first. */
export class StatePanel {
  readonly #badge = byId('state-badge');
  readonly #note = byId('state-note');
  readonly #history = byId<HTMLOListElement>('history');

  constructor() {
    this.show('idle');
  }

  show(state: ConnectionState, note = STATE_NOTES[state]): void {
    this.#badge.dataset.state = state;
    this.#badge.textContent = state;
    this.#note.textContent = note;
  }

  transition(state: ConnectionState, detail: StateDetail): void {
    const extra = describe(detail);
    this.show(
      state,
      state === 'backoff' && detail.delay !== undefined
        ? `retry in ${ms(detail.delay)}`
        : undefined,
    );

    const row = h('li', 'history-row');
    row.append(
      h('time', 'history-time', clockTime(Date.now())),
      h('span', `history-state state-text-${detail.from}`, detail.from),
      h('span', 'history-arrow', '→'),
      h('span', `history-state state-text-${state}`, state),
      h('span', 'history-reason', detail.reason),
      h('span', 'history-extra', extra),
    );
    this.#history.prepend(row);
    trimChildren(this.#history, MAX_HISTORY);
  }

  /** A line for something the tab did itself (login, logout), between transitions. */
  mark(text: string): void {
    const row = h('li', 'history-row history-mark');
    row.append(h('time', 'history-time', clockTime(Date.now())), h('span', 'history-extra', text));
    this.#history.prepend(row);
    trimChildren(this.#history, MAX_HISTORY);
  }
}

/** Close code and reason, retry delay and attempt: whatever the detail carries. */
function describe(detail: StateDetail): string {
  const parts: string[] = [];
  if (detail.code !== undefined) {
    parts.push(`code ${detail.code}${detail.closeReason ? ` "${detail.closeReason}"` : ''}`);
  }
  if (detail.delay !== undefined) parts.push(`delay ${ms(detail.delay)}`);
  if (detail.attempt !== undefined) parts.push(`attempt ${detail.attempt}`);
  return parts.join(' · ');
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}
