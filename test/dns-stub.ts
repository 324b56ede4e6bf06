import * as dgram from 'dgram';

/**
 * A DNS server for tests (RFC 1035 over UDP, the queries nginx's resolver sends): A queries for the names it knows
 * answer `127.0.0.1` (TTL 1 s), AAAA queries for them answer no records, every other name is NXDOMAIN. Listens on port
 * 53 (resolv.conf names no port) of a loopback address of its own (127.<random>), so tests running side by side do not
 * meet. Names can be added while it runs (an upstream that appears later).
 */
export class DnsStub {
  /** Starts a stub on `address` (default: a free loopback address of its own), knowing `names`. */
  public static async start(names: string[] = [], address?: string): Promise<DnsStub> {
    for (let attempt = 0; attempt < (address ? 1 : 20); attempt++) {
      const at = address ?? `127.${53 + Math.floor(Math.random() * 150)}.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
      const socket = dgram.createSocket('udp4');
      const ok = await new Promise<boolean>((resolve) => {
        socket.once('error', () => resolve(false));
        socket.bind(53, at, () => resolve(true));
      });
      // Unreferenced: a stub a failed test leaves open does not keep jest from exiting (see upstream() in nginx-util.ts).
      if (ok) {
        socket.unref();
        return new DnsStub(socket, at, names);
      }
      socket.close();
    }
    throw new Error(`DnsStub: ${address ? `port 53 of ${address} is taken` : 'no free loopback address for port 53'}`);
  }

  /** The names queried so far, with their type (`A`, `AAAA` or the number), in order. */
  public readonly queries: string[] = [];
  private readonly known: Set<string>;

  private constructor(private readonly socket: dgram.Socket, public readonly address: string, names: string[]) {
    this.known = new Set(names.map((n) => n.toLowerCase()));
    socket.on('message', (msg, peer) => {
      const reply = this.answer(msg);
      if (reply) socket.send(reply, peer.port, peer.address);
    });
  }

  /**
   * Keeps the process alive while the stub listens. The socket is unreferenced by default (see start()); the program
   * below, whose only work is this socket, needs it referenced or node exits as soon as it has printed its line.
   */
  public ref(): this {
    this.socket.ref();
    return this;
  }

  /** Answers `name` from now on. */
  public add(name: string): void {
    this.known.add(name.toLowerCase());
  }

  public close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private answer(msg: Buffer): Buffer | undefined {
    if (msg.length < 17) return undefined;
    const labels: string[] = [];
    let o = 12;
    while (o < msg.length && msg[o] !== 0) {
      labels.push(msg.subarray(o + 1, o + 1 + msg[o]).toString('latin1'));
      o += msg[o] + 1;
    }
    if (o + 5 > msg.length) return undefined;
    const type = msg.readUInt16BE(o + 1);
    const name = labels.join('.').toLowerCase();
    this.queries.push(`${name} ${type === 1 ? 'A' : type === 28 ? 'AAAA' : type}`);
    const known = this.known.has(name);
    const withAnswer = known && type === 1;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    // Flags: QR (an answer), the query's RD bit, RA; RCODE 0, or 3 (NXDOMAIN).
    const recursionDesired = Math.floor(msg.readUInt16BE(2) / 0x100) % 2 === 1;
    header.writeUInt16BE(0x8080 + (recursionDesired ? 0x100 : 0) + (known ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(withAnswer ? 1 : 0, 6);
    const parts = [header, msg.subarray(12, o + 5)];
    if (withAnswer) {
      // A pointer to the question's name, type A, class IN, TTL 1 s, 4 bytes: 127.0.0.1.
      const rr = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 127, 0, 0, 1]);
      parts.push(rr);
    }
    return Buffer.concat(parts);
  }
}

/**
 * As a program (the engine e2e runs it inside a container's network namespace with nsenter):
 * `dns-stub.ts <address> <name>...` serves until it is killed; prints `dns-stub: listening on <address>:53` first.
 */
if (require.main === module) {
  const [address, ...names] = process.argv.slice(2);
  DnsStub.start(names, address).then(
    (d) => console.log(`dns-stub: listening on ${d.ref().address}:53 for ${names.join(', ')}`),
    (e) => {
      console.error(String(e));
      process.exit(1);
    },
  );
}
