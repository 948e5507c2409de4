/** The tabsocket page: every tab shares the worker's one socket. */
import { connect, type TabSocket } from 'tabsocket';
import { installBench } from './harness';

const bench = installBench('tabsocket', (config, sink) => {
  const socket = connect({
    url: config.url,
    name: 'bench',
    heartbeat: { interval: config.interval, timeout: config.timeout },
  });
  socket.on('state', (state, detail) => {
    if (detail.reason === 'heartbeat-timeout') sink.event('dead');
    if (detail.from === 'open') sink.event('close');
    if (state === 'open') sink.event('open');
  });
  socket.on('message', (data) => sink.message(data));
  return {
    // A request lost to a reconnect shows up as a missing answer: nothing to report here.
    send: (frame) => void socket.send(frame).catch(() => {}),
    isOpen: () => socket.state === 'open',
  };
});

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
