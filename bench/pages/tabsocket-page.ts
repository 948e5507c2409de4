/**
 * What the three tabsocket pages share: `connect()` wired to the bench, with the worker
 * option each page chooses (the package's default, or a SharedWorker of another URL).
 */
import { type ConnectOptions, connect, type TabSocket } from 'tabsocket';
import type { BenchApi, VariantName } from './api';
import { installBench } from './harness';

export function installTabsocketPage(
  variant: VariantName,
  worker?: ConnectOptions['worker'],
): BenchApi {
  let socket: TabSocket | undefined;
  const bench = installBench(variant, (config, sink) => {
    socket = connect({
      url: config.url,
      name: 'bench',
      heartbeat: { interval: config.interval, timeout: config.timeout },
      ...(config.transports === undefined ? {} : { transports: config.transports }),
      ...(worker === undefined ? {} : { worker }),
    });
    socket.on('state', (state, detail) => {
      if (detail.reason === 'heartbeat-timeout') sink.event('dead');
      if (detail.from === 'open') sink.event('close');
      if (state === 'open') sink.event('open');
    });
    socket.on('message', (data) => sink.message(data));
    const opened = socket;
    return {
      // A request lost to a reconnect shows up as a missing answer: nothing to report here.
      send: (frame) => void opened.send(frame).catch(() => {}),
      isOpen: () => opened.state === 'open',
    };
  });
  bench.role = async () => (await socket?.inspect())?.role ?? null;
  return bench;
}
