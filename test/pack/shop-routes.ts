// The pack test's route check: a generated frontend's nginx.conf and start command on a real nginx, with loopback upstreams on the model's ports.
//
// Usage (inside a network namespace of its own, loopback up, so the model's ports are free and nothing else meets
// them): `shop-routes.ts <nginx.conf> <Dockerfile> <checks.json>`. The frontend is started with its Dockerfile's CMD
// (the start script that writes the resolver file, then nginx); a DNS stub on 127.0.0.53 answers the upstream names
// with 127.0.0.1, where one recording HTTP server per upstream listens on the port its model gave the conf. Each check
// is `{ method, path, body?, upstream, seen }`: the answer must come from `upstream` (no redirect: status 200 or 201)
// and the upstream must have seen exactly `method seen` with the body unchanged. Prints one `ok`/`FAIL` line a check;
// exits 1 on any failure.
import * as fs from 'fs';
import { DnsStub } from '../dns-stub';
import { request, Seen, startNginx, upstream } from '../nginx-util';

interface Check {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly upstream: string;
  readonly seen: string;
}

async function main(): Promise<number> {
  const [confFile, dockerfile, checksFile] = process.argv.slice(2);
  let conf = fs.readFileSync(confFile, 'utf8');
  const cmdLine = fs.readFileSync(dockerfile, 'utf8').split('\n').filter((l) => l.startsWith('CMD [')).pop();
  if (!cmdLine) throw new Error(`${dockerfile}: no exec-form CMD`);
  const command = JSON.parse(cmdLine.slice('CMD '.length)) as string[];
  // The upstreams the conf names: `set $pc_upstream_N <host>$pc_dns_suffix:<port>;`.
  const upstreams = new Map<string, number>();
  for (const m of conf.matchAll(/set \$pc_upstream_\d+ ([a-z0-9.-]+?)(?:\$pc_dns_suffix)?:(\d+);/g)) upstreams.set(m[1], Number(m[2]));
  let listen = Number(/^\s*listen (\d+);$/m.exec(conf)?.[1]);
  // In production the frontend and an upstream on the same port (shop and catalog on 8080) are different pods; here
  // they share one loopback, so nginx moves to a port no upstream has (only the listen line changes, and it is said).
  if ([...upstreams.values()].includes(listen)) {
    const moved = Math.max(listen, ...upstreams.values()) + 1;
    console.log(`note: nginx listens on ${moved} instead of ${listen} here (an upstream has ${listen} on this loopback)`);
    conf = conf.replace(new RegExp(`^(\\s*)listen ${listen};$`, 'm'), `$1listen ${moved};`);
    listen = moved;
  }
  const seen = new Map<string, Seen[]>();
  const closers: Array<() => Promise<void>> = [];
  for (const [name, port] of upstreams) {
    const u = await upstream(name, port);
    seen.set(name, u.seen);
    closers.push(u.close);
  }
  const dns = await DnsStub.start([...upstreams.keys()], '127.0.0.53');
  const nginx = await startNginx({ conf, command, port: listen, resolvConf: `nameserver ${dns.address}\n` });
  let failed = 0;
  try {
    for (const c of JSON.parse(fs.readFileSync(checksFile, 'utf8')) as Check[]) {
      const log = seen.get(c.upstream) ?? [];
      const before = log.length;
      const r = await request(listen, c.method, c.path, c.body, c.body === undefined ? {} : { 'content-type': 'application/json' });
      const got = log.slice(before);
      const from = r.body.startsWith('{') ? (JSON.parse(r.body) as { upstream?: string }).upstream : undefined;
      const ok = (r.status === 200 || r.status === 201) && from === c.upstream && got.length === 1
        && `${got[0].method} ${got[0].url}` === `${c.method} ${c.seen}` && got[0].body === (c.body ?? '');
      if (!ok) failed++;
      console.log(`${ok ? 'ok' : 'FAIL'} ${c.method} ${c.path}${c.body ? ` (body ${c.body})` : ''}: ${r.status}${r.location ? ` Location ${r.location}` : ''} from ${from ?? 'nginx'}; ${c.upstream} saw ${got.map((g) => `${g.method} ${g.url} body ${JSON.stringify(g.body)}`).join(', ') || 'nothing'} (want ${c.method} ${c.seen})`);
    }
  } finally {
    await nginx.stop();
    await dns.close();
    for (const close of closers) await close();
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(String(e?.stack ?? e));
    process.exit(1);
  },
);
