/**
 * A TCP pass-through in front of the L1 node, so that a drill can make L1 **refuse** the
 * sequencer: {@link TcpProxy.down} stops listening (new connections get ECONNREFUSED) and closes
 * every open connection (requests in flight fail with "socket hang up" / "other side closed"); {@link TcpProxy.up} listens again. The L1 node
 * itself keeps running (Hardhat's state is in memory: stopping it would lose L1).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  readonly port: number;
  private readonly target: number;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(port: number, targetPort: number) {
    this.port = port;
    this.target = targetPort;
  }

  /** Starts listening on 127.0.0.1:`port`. */
  async up(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Stops listening and closes every open connection. */
  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    // destroy(), not resetAndDestroy(): the latter on sockets still connecting left busy-looping
    // handles behind (Node 22) and kept the process from exiting.
    for (const sock of this.sockets) sock.destroy();
    this.sockets.clear();
    if (s !== undefined) await new Promise<void>((r) => s.close(() => r()));
  }
}
