/** The tabsocket page: every tab shares the worker's one socket. */
import { connect, type TabSocket } from 'tabsocket';
import { installTabsocketPage } from './tabsocket-page';

const bench = installTabsocketPage('tabsocket');

const churning: TabSocket[] = [];
bench.churn = (urls) => {
  for (const url of urls) {
    // No wait between attempts, so that 5,000 cycles take seconds, not hours.
    const reconnect = { minDelay: 0, maxDelay: 0, jitter: 0 };
    churning.push(connect({ url, name: `churn-${churning.length}`, reconnect }));
  }
};
bench.stopChurn = async () => {
  await Promise.all(churning.splice(0).map((socket) => socket.close()));
};
