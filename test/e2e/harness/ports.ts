// A free loopback port, for servers whose port must be known before another one is configured with it.
import net from 'node:net';

/** Asks the OS for a free port on 127.0.0.1 and releases it for the caller to bind. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
