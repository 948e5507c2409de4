import type { ConnectionSnapshot } from 'tabsocket';
import { byId, h } from './dom';
import { shortId } from './format';

/** What the SharedWorker says of the connection: its tabs, socket generation, outbox. */
export class WorkerPanel {
  readonly #tabs = byId<HTMLUListElement>('tabs');
  readonly #tileTabs = byId('tile-tabs');
  readonly #generation = byId('fact-generation');
  readonly #attempts = byId('fact-attempts');
  readonly #queued = byId('fact-queued');

  show(snapshot: ConnectionSnapshot | undefined, thisTab: string | undefined): void {
    this.#tileTabs.textContent = String(snapshot?.tabs.length ?? 0);
    this.#generation.textContent = snapshot ? `#${snapshot.generation}` : '–';
    this.#attempts.textContent = snapshot ? String(snapshot.failedAttempts) : '–';
    this.#queued.textContent = snapshot ? String(snapshot.queued) : '–';

    const rows = (snapshot?.tabs ?? []).map((tabId) => {
      const mine = tabId === thisTab;
      const row = h('li', mine ? 'tab-row tab-mine' : 'tab-row');
      const id = h('code', '', shortId(tabId));
      id.title = tabId;
      row.append(h('span', 'tab-dot'), id, h('span', 'tab-label', mine ? 'this tab' : ''));
      return row;
    });
    if (rows.length === 0) rows.push(h('li', 'empty', 'No tab attached: log in to connect.'));
    this.#tabs.replaceChildren(...rows);
  }
}
