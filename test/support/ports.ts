// Free loopback ports for the servers tests start (hub, proxy, service, code-server).
import net from 'node:net';

/** Free ports on 127.0.0.1, all held open until every one is chosen so none is picked twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** One free port, for a server whose port must be known before another is configured with it. */
export async function freePort(): Promise<number> {
  const [port = 0] = await freePorts(1);
  return port;
}
