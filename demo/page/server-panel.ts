import type { DemoStats } from '../api';
import { byId, h } from './dom';
import { clockTime, span } from './format';

/** The server's own numbers, from /api/stats: its sockets, users, frames and presence. */
export class ServerPanel {
  readonly #sockets = byId('tile-sockets');
  readonly #socketsNote = byId('tile-sockets-note');
  readonly #users = byId('tile-users');
  readonly #status = byId('server-status');
  readonly #framesIn = byId('fact-frames-in');
  readonly #framesOut = byId('fact-frames-out');
  readonly #malformed = byId('fact-malformed');
  readonly #presence = byId<HTMLUListElement>('presence');

  show(stats: DemoStats, now = Date.now()): void {
    const { socketServer } = stats;
    this.#sockets.textContent = String(stats.openSockets);
    this.#socketsNote.textContent = socketServer.up
      ? `socket server #${socketServer.generation}`
      : 'socket server restarting';
    this.#users.textContent = String(stats.onlineUsers);
    this.#framesIn.textContent = String(stats.framesIn);
    this.#framesOut.textContent = String(stats.framesOut);
    this.#malformed.textContent = String(stats.malformedFrames);

    let status = 'up';
    let tone = 'ok';
    if (!socketServer.up) {
      status = 'restarting…';
      tone = 'bad';
    } else if (socketServer.silentUntil !== null) {
      status = `silent for ${span(socketServer.silentUntil - now)} more`;
      tone = 'warn';
    } else if (socketServer.startedAt !== null) {
      status = `up ${span(now - socketServer.startedAt)}`;
    }
    this.#status.textContent = status;
    this.#status.dataset.tone = tone;

    const rows = stats.presence.map((entry) => {
      const row = h('li', entry.online ? 'presence-row online' : 'presence-row');
      const when = entry.online
        ? `online since ${clockTime(entry.since).slice(0, 8)} · ${entry.sockets} socket${entry.sockets === 1 ? '' : 's'}`
        : `last seen ${span(now - entry.lastSeen)} ago`;
      row.append(
        h('span', 'presence-dot'),
        h('span', 'presence-user', entry.userId),
        h('span', 'presence-when', when),
      );
      return row;
    });
    if (rows.length === 0) rows.push(h('li', 'empty', 'Nobody has connected yet.'));
    this.#presence.replaceChildren(...rows);
  }

  unreachable(): void {
    this.#sockets.textContent = '?';
    this.#socketsNote.textContent = 'demo server unreachable';
    this.#status.textContent = 'unreachable';
    this.#status.dataset.tone = 'bad';
  }
}
