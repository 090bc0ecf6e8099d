import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A loopback TCP proxy a test can make stop answering (connections accepted, nothing forwarded) and resume. */
export interface TcpProxy {
  readonly port: number;
  /** Drops every open connection and holds new ones without forwarding a byte (a storage account gone silent). */
  stall(): void;
  /** Forwards again; the connections held meanwhile are dropped, so their clients connect again. */
  resume(): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) forwarding to `target`. */
export async function startTcpProxy(target: {
  readonly host: string;
  readonly port: number;
}): Promise<TcpProxy> {
  let isStalled = false;
  const sockets = new Set<net.Socket>();
  const held = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (isStalled) {
      held.add(client);
      return;
    }
    const upstream = net.connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stall: () => {
      isStalled = true;
      for (const socket of sockets) socket.destroy();
    },
    resume: () => {
      isStalled = false;
      for (const socket of held) socket.destroy();
      held.clear();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
