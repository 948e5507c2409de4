import { api } from './api-client';
import { byId } from './dom';
import { span } from './format';
import type { MessageLog } from './message-log';

type Fault = 'drop-heartbeats' | 'cut' | 'restart';

/** What each fault button does, in the words of the log. */
const RUN: Record<Fault, () => Promise<string>> = {
  'drop-heartbeats': async () => {
    const { until } = await api.dropHeartbeats();
    return `Fault: server silent for ${span(until - Date.now())}, no pongs, no pushes`;
  },
  cut: async () => {
    const { terminated } = await api.cut();
    return `Fault: server cut ${terminated} socket${terminated === 1 ? '' : 's'} (no close frame)`;
  },
  restart: async () => {
    const { downForMs } = await api.restart();
    return `Fault: socket server restarting, down for ${span(downForMs)}`;
  },
};

/** The three fault buttons: each calls the demo server and logs what it did. */
export function wireFaults(log: MessageLog): void {
  for (const button of byId('faults').querySelectorAll<HTMLButtonElement>('button[data-fault]')) {
    const fault = button.dataset.fault as Fault;
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        log.local(await RUN[fault]());
      } catch (error) {
        log.local(error instanceof Error ? error.message : String(error), 'error');
      } finally {
        button.disabled = false;
      }
    });
  }
}
