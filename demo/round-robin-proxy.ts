import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

export interface RoundRobinProxy {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 that hands each new connection to the next of `upstreams` in
 * turn, with no stickiness (as nginx round robin does): a socket's reconnect lands on
 * another node. A refused upstream is skipped for that connection.
 */
export async function startRoundRobinProxy(
  port: number,
  upstreams: () => readonly number[],
): Promise<RoundRobinProxy> {
  let turn = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    open.add(inbound);
    inbound.on('close', () => open.delete(inbound));
    inbound.on('error', () => inbound.destroy());
    const ports = upstreams();
    const tryUpstream = (left: number) => {
      const target = ports[turn++ % ports.length];
      if (target === undefined || left === 0) return inbound.destroy();
      const outbound = connect(target, '127.0.0.1');
      let connected = false;
      open.add(outbound);
      outbound.on('close', () => open.delete(outbound));
      outbound.once('connect', () => {
        connected = true;
        outbound.on('error', () => inbound.destroy());
        inbound.pipe(outbound).pipe(inbound);
        outbound.on('close', () => inbound.destroy());
        inbound.on('close', () => outbound.destroy());
      });
      outbound.once('error', () => {
        // A node that is down: the connection goes to the next one.
        if (!connected) tryUpstream(left - 1);
        else inbound.destroy();
      });
    };
    tryUpstream(ports.length);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
