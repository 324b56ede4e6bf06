import * as http from 'http';
import { Duration, FastApiBackend, NodeService, HealthCheck, NginxProxy, StaticFrontend } from '../src';
import { DnsStub } from './dns-stub';
import { busybox, freePort, nginxTest, request, runStartScript, startNginx, upstream } from './nginx-util';
import { errorOf, listFiles, newProject, synth } from './util';

/** The lines of a location block of nginx.conf, from `location <match> {` to its `}`. */
function location(conf: string, match: string): string[] {
  const lines = conf.split('\n');
  const start = lines.findIndex((l) => l.trim() === `location ${match} {`);
  if (start < 0) throw new Error(`no location ${match}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '}');
  return lines.slice(start + 1, end).map((l) => l.trim());
}

describe('the frontend nginx.conf', () => {
  test('defaults: gzip, immutable assets, index.html no-cache, SPA fallback for navigations only; nginx -t passes', () => {
    const project = newProject();
    new StaticFrontend(project, 'frontend');
    const conf = synth(project)['frontend/nginx.conf'];
    expect(conf).toContain('    gzip on;\n    gzip_vary on;\n    gzip_proxied any;\n    gzip_min_length 1024;\n');
    expect(conf).toContain('gzip_types text/css text/plain text/xml application/javascript application/json application/xml image/svg+xml application/manifest+json;');
    expect(location(conf, '^~ /assets/')).toEqual(['add_header Cache-Control "public, max-age=31536000, immutable" always;', 'try_files $uri =404;']);
    expect(location(conf, '= /index.html')).toEqual(['add_header Cache-Control "no-cache" always;']);
    expect(location(conf, '~ \\.[A-Za-z0-9]+$')).toEqual(['try_files $uri =404;']);
    expect(location(conf, '/')).toEqual(['try_files $uri $uri/ /index.html;']);
    expect(conf).not.toContain('proxy_pass');
    const t = nginxTest(conf);
    expect(t.output).toContain('test is successful');
    expect(t.status).toBe(0);
  });

  test('spaFallback false and gzip false; nginx -t passes', () => {
    const project = newProject();
    new StaticFrontend(project, 'frontend', { spaFallback: false, gzip: false, assetsPath: '/static/' });
    const conf = synth(project)['frontend/nginx.conf'];
    expect(conf).not.toContain('gzip');
    expect(location(conf, '/')).toEqual(['try_files $uri $uri/ =404;']);
    expect(location(conf, '^~ /static/')).toHaveLength(2);
    expect(nginxTest(conf).status).toBe(0);
  });

  test('a proxy to the backend: host = its container name, port = its model port; moving the port moves the proxy', () => {
    for (const port of [8000, 9000]) {
      const project = newProject();
      const backend = new FastApiBackend(project, 'backend', { port });
      const frontend = new StaticFrontend(project, 'frontend', { proxies: [{ path: '/api/', service: backend, readTimeout: Duration.seconds(30) }] });
      const conf = synth(project)['frontend/nginx.conf'];
      const body = [
        `set $pc_upstream_0 backend\$pc_dns_suffix:${port};`,
        'proxy_pass http://$pc_upstream_0;',
        'proxy_http_version 1.1;',
        'proxy_set_header Connection "";',
        'proxy_set_header Host $host;',
        'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
        'proxy_set_header X-Forwarded-Proto $scheme;',
        'proxy_set_header X-Forwarded-Host $host;',
        'proxy_connect_timeout 60s;',
        'proxy_send_timeout 60s;',
        'proxy_read_timeout 30s;',
        'client_max_body_size 1m;',
      ];
      // /api/ and /api are one route: /api itself is proxied too, never redirected to /api/.
      expect(location(conf, '= /api')).toEqual(body);
      expect(location(conf, '^~ /api/')).toEqual(body);
      // The proxy comes before the extension rule, and ^~ keeps /api/x.json proxied.
      expect(conf.indexOf('location ^~ /api/')).toBeLessThan(conf.indexOf('location ~ '));
      // The resolver file the start command writes, included in the http block.
      expect(conf).toContain('    include /tmp/nginx-resolver.conf;\n    resolver_timeout 5s;\n');
      expect(frontend._upstreams()).toEqual([backend]);
      const t = nginxTest(conf, frontend._model.command);
      expect(t.output).toContain('test is successful');
      expect(t.status).toBe(0);
    }
  });

  test('an upstream host of its own (a full Kubernetes Service name: no namespace domain appended)', () => {
    const project = newProject();
    const api = new NodeService(project, 'api', { name: 'api', port: 3000 });
    const frontend = new StaticFrontend(project, 'frontend', { proxies: [{ path: '/v1/', service: api, host: 'api-svc.default.svc.cluster.local' }] });
    const conf = synth(project)['frontend/nginx.conf'];
    expect(location(conf, '^~ /v1/').slice(0, 2)).toEqual(['set $pc_upstream_0 api-svc.default.svc.cluster.local:3000;', 'proxy_pass http://$pc_upstream_0;']);
    expect(nginxTest(conf, frontend._model.command).status).toBe(0);
  });

  test('every route option rendered: exact, stripPrefix, timeouts, body size, WebSocket; several upstreams; nginx -t passes', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    const orders = new NodeService(project, 'orders', { name: 'orders', port: 3000 });
    const frontend = new StaticFrontend(project, 'frontend', {
      proxies: [
        { path: '/api/orders', service: orders, stripPrefix: true, maxBodySize: 10 * 1024 * 1024, connectTimeout: Duration.seconds(5), sendTimeout: Duration.minutes(2), readTimeout: Duration.minutes(60) },
        { path: '/api', service: backend },
        { path: '/api/ping', service: backend, exact: true, maxBodySize: 0 },
        { path: '/ws/', service: orders, webSocket: true, maxBodySize: 1536 },
      ],
    });
    const conf = synth(project)['frontend/nginx.conf'];
    expect(location(conf, '= /api/orders').slice(0, 3)).toEqual(['set $pc_upstream_0 orders$pc_dns_suffix:3000;', 'rewrite ^ / break;', 'proxy_pass http://$pc_upstream_0;']);
    expect(location(conf, '^~ /api/orders/').slice(0, 3)).toEqual(['set $pc_upstream_0 orders$pc_dns_suffix:3000;', 'rewrite ^/api/orders(/.*)$ $1 break;', 'proxy_pass http://$pc_upstream_0;']);
    expect(location(conf, '^~ /api/orders/').slice(-4)).toEqual(['proxy_connect_timeout 5s;', 'proxy_send_timeout 120s;', 'proxy_read_timeout 3600s;', 'client_max_body_size 10m;']);
    expect(location(conf, '= /api/ping')).toContain('client_max_body_size 0;');
    expect(conf).not.toContain('location ^~ /api/ping/');
    const ws = location(conf, '^~ /ws/');
    expect(ws).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(ws).toContain('proxy_set_header Connection $pc_connection_upgrade;');
    expect(ws).toContain('client_max_body_size 1536;');
    expect(conf).toContain("    map $http_upgrade $pc_connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n");
    expect(frontend._upstreams()).toEqual([orders, backend]);
    const t = nginxTest(conf, frontend._model.command);
    expect(t.output).toContain('test is successful');
    expect(t.status).toBe(0);
  });

  test('escape hatch lines land in the server and http blocks; nginx -t passes', () => {
    const project = newProject();
    new StaticFrontend(project, 'frontend', {
      extraHttpDirectives: ['map $http_upgrade $connection_upgrade {', '    default upgrade;', "    '' close;", '}'],
      extraServerDirectives: ['add_header X-Frame-Options "DENY" always;', 'location = /robots.txt {', '    return 200 "User-agent: *\\nDisallow:\\n";', '}'],
    });
    const conf = synth(project)['frontend/nginx.conf'];
    expect(conf).toContain('    # Added by the extraHttpDirectives option.\n    map $http_upgrade $connection_upgrade {\n        default upgrade;\n');
    expect(conf).toContain('        # Added by the extraServerDirectives option.\n        add_header X-Frame-Options "DENY" always;\n        location = /robots.txt {\n');
    const t = nginxTest(conf);
    expect(t.output).toContain('test is successful');
  });

  test('invalid proxies and extra lines are refused at construction; nothing is written', () => {
    const projects: Array<ReturnType<typeof newProject>> = [];
    let backend: FastApiBackend;
    let worker: NodeService;
    /** A fresh project with a backend and a worker, then the frontend with `o`. */
    const err = (o: () => any) => {
      const project = newProject();
      projects.push(project);
      backend = new FastApiBackend(project, 'backend');
      worker = new NodeService(project, 'worker', { name: 'worker', noPort: true, healthCheck: HealthCheck.exec(['node', '/app/alive.js']) });
      return errorOf(() => new StaticFrontend(project, 'frontend', o()));
    };
    const pathRule = 'a request path like /api or /api/orders/: / then segments of [A-Za-z0-9._~-] (no . or ..), an optional trailing / (/ itself serves the static files)';
    for (const bad of ['/', 'api', '/api//x', '/api/../x', '/api x', '/api;', '/a{b}']) {
      expect(err(() => ({ proxies: [{ path: bad, service: backend }] }))).toBe(`frontend.proxies[0].path: must be ${pathRule}; received ${JSON.stringify(bad)}`);
    }
    expect(err(() => ({ proxies: [{ path: '/api/', service: worker }] }))).toBe('frontend.proxies[0].service: must be a container with a port (a service without a port answers no requests); received "worker"');
    expect(err(() => ({ proxies: [{ path: '/api/', service: backend, host: 'Backend;evil' }] }))).toBe('frontend.proxies[0].host: must be a lowercase DNS name (the Compose service or Kubernetes Service name); received "Backend;evil"');
    expect(err(() => ({ proxies: [{ path: '/api/', service: backend }, { path: '/api', service: backend }] }))).toBe('frontend.proxies[1].path: must be a path no other proxy of this frontend has (/api/ is written as location = /api and ^~ /api/); received "/api"');
    expect(err(() => ({ proxies: [{ path: '/api', service: backend }, { path: '/api', service: backend, exact: true }] }))).toMatch(/^frontend.proxies\[1\].path: must be a path no other proxy of this frontend has/);
    expect(err(() => ({ proxies: [{ path: '/api/', service: backend, readTimeout: Duration.millis(1500) }] }))).toBe('frontend.proxies[0].readTimeout: must be whole seconds; received "1500ms"');
    expect(err(() => ({ proxies: [{ path: '/api/', service: backend, connectTimeout: Duration.seconds(90) }] }))).toBe('frontend.proxies[0].connectTimeout: must be an integer from 1 to 75; received 90');
    expect(err(() => ({ proxies: [{ path: '/api/', service: backend, sendTimeout: Duration.minutes(120) }] }))).toBe('frontend.proxies[0].sendTimeout: must be an integer from 1 to 3600; received 7200');
    expect(err(() => ({ proxies: [{ path: '/api/', service: backend, maxBodySize: 1.5 }] }))).toBe('frontend.proxies[0].maxBodySize: must be an integer from 0 to 1099511627776; received 1.5');
    expect(err(() => ({ proxies: [{ path: '/api/', service: backend, maxBodySize: '10m' }] }))).toBe('frontend.proxies[0].maxBodySize: must be an integer from 0 to 1099511627776; received "10m"');
    expect(err(() => ({ proxies: [{ path: '/api/', service: backend, webSocket: 'yes' }] }))).toBe('frontend.proxies[0].webSocket: must be true or false; received "yes"');
    expect(err(() => ({ proxies: { path: '/api/', service: backend } }))).toMatch(/^frontend.proxies: must be an array of NginxProxy routes; received /);
    expect(err(() => ({ proxies: [{ path: '/ready/', service: backend }], readinessCheck: HealthCheck.httpGet({ path: '/ready/x' }) }))).toBe("frontend.proxies[0].path: must be a path that does not capture the frontend's own health-check path /ready/x; received \"/ready/\"");
    expect(err(() => ({ proxies: [{ path: '/readyz', service: backend, exact: true }] }))).toBe("frontend.proxies[0].path: must be a path that does not capture the frontend's own health-check path /readyz; received \"/readyz\"");
    expect(err(() => ({ proxies: [{ path: '/assets', service: backend }] }))).toBe('frontend.assetsPath: must be a prefix no proxy uses; received "/assets/"');
    expect(err(() => ({ extraServerDirectives: ['listen 80;'] }))).toBe("frontend.extraServerDirectives[0]: must be a directive other than listen (the model writes it: port, user, pid, temp paths and root come from the frontend's options; for an IPv6 listen set ipv6: true); received \"listen 80;\"");
    expect(err(() => ({ extraServerDirectives: ['location /x {'] }))).toBe('frontend.extraServerDirectives: must be lines whose braces balance; received "1 unclosed {"');
    expect(err(() => ({ extraServerDirectives: ['}', 'server {'] }))).toMatch(/^frontend.extraServerDirectives\[0\]: must be lines whose braces balance/);
    expect(err(() => ({ extraServerDirectives: ['add_header X 1'] }))).toBe('frontend.extraServerDirectives[0]: must be a directive ending in ; or a block line ending in { or }; received "add_header X 1"');
    expect(err(() => ({ extraServerDirectives: ['add_header X 1;\nuser root;'] }))).toMatch(/^frontend.extraServerDirectives\[0\]: must be a string without control characters/);
    expect(err(() => ({ assetsPath: 'assets' }))).toMatch(/^frontend.assetsPath: must be a location prefix like \/assets\//);
    for (const p of projects) expect(listFiles(p.outdir)).toEqual([]);
  });
});

/**
 * A frontend whose proxies go to upstream services on `ports` (each a FastApiBackend named after its key, with that
 * model port), listening on a free port: its nginx.conf, its CMD and its port.
 */
async function proxiedFrontend(upstreams: Record<string, number>, proxies: (s: Record<string, FastApiBackend>) => NginxProxy[]) {
  const project = newProject();
  const services = Object.fromEntries(Object.entries(upstreams).map(([name, port]) => [name, new FastApiBackend(project, name, { name, port })]));
  const port = await freePort();
  const frontend = new StaticFrontend(project, 'frontend', { port, proxies: proxies(services) });
  const conf = synth(project)['frontend/nginx.conf'];
  return { conf, command: frontend._model.command!, port };
}

/**
 * The generated nginx.conf and start command on a real nginx (tools/nginx.sh), started as the container starts it,
 * with loopback upstreams and a DNS stub of the test's own as the nameserver of /etc/resolv.conf.
 */
describe('proxy routes on a real nginx', () => {
  jest.setTimeout(60_000);
  let dns: DnsStub;
  beforeEach(async () => {
    dns = await DnsStub.start(['backend', 'orders']);
  });
  afterEach(async () => dns.close());
  const resolv = () => `nameserver ${dns.address}\n`;

  test('a route without a trailing slash: GET and POST reach the upstream with method, path, query, body and status unchanged, never a 301', async () => {
    const up = await upstream('backend');
    const f = await proxiedFrontend({ backend: up.port }, (s) => [{ path: '/api/orders', service: s.backend }, { path: '/shop/', service: s.backend }]);
    const nginx = await startNginx({ conf: f.conf, command: f.command, port: f.port, resolvConf: resolv() });
    try {
      const cases: Array<[string, string, string | undefined, number, string]> = [
        ['GET', '/api/orders', undefined, 200, '/api/orders'],
        ['GET', '/api/orders?x=1&y=a%20b', undefined, 200, '/api/orders?x=1&y=a%20b'],
        ['GET', '/api/orders/1', undefined, 200, '/api/orders/1'],
        ['POST', '/api/orders', '{"item":"book","qty":2}', 201, '/api/orders'],
        ['PUT', '/api/orders/7', 'qty=3', 200, '/api/orders/7'],
        // A route written with its trailing slash matches the bare path too: no 301 that turns a POST into a GET.
        ['GET', '/shop', undefined, 200, '/shop'],
        ['POST', '/shop', 'cart=1', 201, '/shop'],
      ];
      for (const [method, urlPath, body, status, seenUrl] of cases) {
        const before = up.seen.length;
        const r = await request(f.port, method, urlPath, body, body ? { 'content-type': 'application/json' } : {});
        expect({ method, urlPath, status: r.status, location: r.location, body: JSON.parse(r.body) }).toEqual({ method, urlPath, status, location: undefined, body: { upstream: 'backend' } });
        expect(up.seen.slice(before).map((x) => [x.method, x.url, x.body])).toEqual([[method, seenUrl, body ?? '']]);
      }
      expect(up.seen[3].headers['content-type']).toBe('application/json');
      expect(up.seen[3].headers['x-forwarded-for']).toBe('127.0.0.1');
      // Not a segment of the route: served by the static locations, never proxied.
      const before = up.seen.length;
      expect((await request(f.port, 'GET', '/api/ordersX')).status).toBe(404);
      expect(up.seen.length).toBe(before);
    } finally {
      await nginx.stop();
      await up.close();
    }
  });

  test('stripPrefix: /api/orders/1 arrives as /1, /api/orders as /, the query kept', async () => {
    const up = await upstream('orders');
    const f = await proxiedFrontend({ orders: up.port }, (s) => [{ path: '/api/orders', service: s.orders, stripPrefix: true }]);
    const nginx = await startNginx({ conf: f.conf, command: f.command, port: f.port, resolvConf: resolv() });
    try {
      for (const [urlPath, seenUrl] of [['/api/orders/1', '/1'], ['/api/orders', '/'], ['/api/orders?x=1', '/?x=1'], ['/api/orders/a/b?q=2&r=3', '/a/b?q=2&r=3']]) {
        const r = await request(f.port, 'POST', urlPath, 'x=1');
        expect([urlPath, r.status]).toEqual([urlPath, 201]);
        expect([urlPath, up.seen[up.seen.length - 1].url, up.seen[up.seen.length - 1].body]).toEqual([urlPath, seenUrl, 'x=1']);
      }
    } finally {
      await nginx.stop();
      await up.close();
    }
  });

  test('upstreamPath: /api/orders/1 arrives as /orders/1, /api/orders as /orders (an app\'s rewrite ^/api(/.*)$ $1), POST body kept', async () => {
    const up = await upstream('orders');
    const f = await proxiedFrontend({ orders: up.port }, (s) => [{ path: '/api/orders', service: s.orders, upstreamPath: '/orders' }]);
    expect(f.conf).toContain('rewrite ^/api/orders(/.*)$ /orders$1 break;');
    const nginx = await startNginx({ conf: f.conf, command: f.command, port: f.port, resolvConf: resolv() });
    try {
      for (const [urlPath, seenUrl] of [['/api/orders/1', '/orders/1'], ['/api/orders', '/orders'], ['/api/orders?x=1', '/orders?x=1']]) {
        const r = await request(f.port, 'POST', urlPath, '{"item":1}');
        expect([urlPath, r.status]).toEqual([urlPath, 201]);
        const seen = up.seen[up.seen.length - 1];
        expect([urlPath, seen.method, seen.url, seen.body]).toEqual([urlPath, 'POST', seenUrl, '{"item":1}']);
      }
    } finally {
      await nginx.stop();
      await up.close();
    }
  });

  test('upstreamPath is validated: a path without trailing /, not with stripPrefix', () => {
    const project = newProject();
    const orders = new NodeService(project, 'orders', { name: 'orders', port: 3000 });
    expect(errorOf(() => new StaticFrontend(project, 'a', { name: 'a', proxies: [{ path: '/api/orders', service: orders, upstreamPath: '/orders/' }] }))).toMatch(/^a\.proxies\[0\]\.upstreamPath: must be a path like \/orders/);
    expect(errorOf(() => new StaticFrontend(project, 'b', { name: 'b', proxies: [{ path: '/api/orders', service: orders, upstreamPath: '/orders', stripPrefix: true }] }))).toMatch(/^b\.proxies\[0\]\.upstreamPath: must be unset when stripPrefix is true/);
  });

  test('exact: only the path itself (with any query) is proxied', async () => {
    const up = await upstream('backend');
    const f = await proxiedFrontend({ backend: up.port }, (s) => [{ path: '/api/ping', service: s.backend, exact: true }]);
    const nginx = await startNginx({ conf: f.conf, command: f.command, port: f.port, resolvConf: resolv() });
    try {
      expect((await request(f.port, 'GET', '/api/ping?x=1')).status).toBe(200);
      expect(up.seen.map((x) => x.url)).toEqual(['/api/ping?x=1']);
      expect((await request(f.port, 'GET', '/api/ping/x')).status).toBe(404);
      expect(up.seen).toHaveLength(1);
    } finally {
      await nginx.stop();
      await up.close();
    }
  });

  test('two upstreams: each route reaches its own service (the longer prefix wins)', async () => {
    const a = await upstream('backend');
    const b = await upstream('orders');
    const f = await proxiedFrontend({ backend: a.port, orders: b.port }, (s) => [{ path: '/api', service: s.backend }, { path: '/api/orders', service: s.orders }]);
    const nginx = await startNginx({ conf: f.conf, command: f.command, port: f.port, resolvConf: resolv() });
    try {
      expect(JSON.parse((await request(f.port, 'GET', '/api/orders/7')).body)).toEqual({ upstream: 'orders' });
      expect(JSON.parse((await request(f.port, 'GET', '/api/users')).body)).toEqual({ upstream: 'backend' });
      expect(JSON.parse((await request(f.port, 'GET', '/api')).body)).toEqual({ upstream: 'backend' });
      expect([a.seen.map((x) => x.url), b.seen.map((x) => x.url)]).toEqual([['/api/users', '/api'], ['/api/orders/7']]);
    } finally {
      await nginx.stop();
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('maxBodySize: a body of that size passes, one byte more is a 413 that never reaches the upstream', async () => {
    const up = await upstream('backend');
    const f = await proxiedFrontend({ backend: up.port }, (s) => [{ path: '/upload', service: s.backend, maxBodySize: 2048 }]);
    const nginx = await startNginx({ conf: f.conf, command: f.command, port: f.port, resolvConf: resolv() });
    try {
      expect((await request(f.port, 'POST', '/upload', Buffer.alloc(2048, 'a'))).status).toBe(201);
      expect(up.seen.map((x) => x.body.length)).toEqual([2048]);
      expect((await request(f.port, 'POST', '/upload', Buffer.alloc(2049, 'a'))).status).toBe(413);
      expect(up.seen).toHaveLength(1);
    } finally {
      await nginx.stop();
      await up.close();
    }
  });

  test('webSocket: the Upgrade and Connection headers reach the upstream, 101 comes back, bytes flow both ways', async () => {
    const up = await upstream('backend');
    const f = await proxiedFrontend({ backend: up.port }, (s) => [{ path: '/ws', service: s.backend, webSocket: true }]);
    const nginx = await startNginx({ conf: f.conf, command: f.command, port: f.port, resolvConf: resolv() });
    try {
      const echoed = await new Promise<{ status: number; data: string }>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port: f.port,
          path: '/ws/chat',
          agent: false,
          headers: { 'Connection': 'Upgrade', 'Upgrade': 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
        });
        req.on('upgrade', (res, socket) => {
          socket.once('data', (d) => {
            resolve({ status: res.statusCode!, data: d.toString() });
            socket.destroy();
          });
          socket.write('hello through nginx');
        });
        req.on('response', (res) => reject(new Error(`no upgrade: HTTP ${res.statusCode}`)));
        req.on('error', reject);
        req.end();
      });
      expect(echoed).toEqual({ status: 101, data: 'hello through nginx' });
      expect(up.seen.map((x) => [x.url, x.headers.upgrade, x.headers.connection])).toEqual([['/ws/chat', 'websocket', 'upgrade']]);
    } finally {
      await nginx.stop();
      await up.close();
    }
  });

  test('nginx starts when the upstream name does not resolve, answers 502 on the route, and proxies once it resolves', async () => {
    const empty = await DnsStub.start([]);
    // The upstream listens from the start (its port held, so no other test can take it meanwhile); until its name
    // resolves, as before its Kubernetes Service or Compose service exists, nginx cannot reach it.
    const up = await upstream('backend');
    const f = await proxiedFrontend({ backend: up.port }, (s) => [{ path: '/api/', service: s.backend }]);
    // The old nginx.conf resolved `backend` when nginx started: nginx exited with "host not found in upstream".
    const nginx = await startNginx({ conf: f.conf, command: f.command, port: f.port, resolvConf: `nameserver ${empty.address}\n` });
    try {
      expect(nginx.resolverFile()).toBe(`resolver ${empty.address} valid=10s;\nmap "" $pc_dns_suffix {\n    default "";\n}\n`);
      // The frontend itself serves (its readiness path answers: 503 here, since no site is built).
      expect((await request(f.port, 'GET', '/readyz')).status).toBe(503);
      expect((await request(f.port, 'GET', '/api/v1/health')).status).toBe(502);
      expect(empty.queries).toContain('backend A');
      expect(nginx.log()).toMatch(/backend could not be resolved \(3: Host not found\)/);
      expect(up.seen).toEqual([]);
      // The backend's name appears; nginx keeps a DNS answer (here: none) at most 10 s (valid=10s).
      empty.add('backend');
      const t0 = Date.now();
      let status = 0;
      while (Date.now() - t0 < 20_000 && (status = (await request(f.port, 'GET', '/api/v1/health')).status) !== 200) await new Promise((r) => setTimeout(r, 250));
      expect(status).toBe(200);
      expect(Date.now() - t0).toBeLessThan(12_000);
      expect(up.seen.map((x) => x.url)).toContain('/api/v1/health');
    } finally {
      await nginx.stop();
      await up.close();
      await empty.close();
    }
  });

  test('under Kubernetes a name without a dot gets the first search domain (nginx applies none); elsewhere it stays bare', async () => {
    const up = await upstream('backend');
    const fqdn = await DnsStub.start(['backend.team-a.svc.cluster.local']);
    const f = await proxiedFrontend({ backend: up.port }, (s) => [{ path: '/api/', service: s.backend }]);
    const resolvConf = `nameserver ${fqdn.address}\nsearch team-a.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n`;
    try {
      const k8s = await startNginx({ conf: f.conf, command: f.command, port: f.port, resolvConf, env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' } });
      try {
        expect(k8s.resolverFile()).toContain('default ".team-a.svc.cluster.local";');
        expect((await request(f.port, 'GET', '/api/x')).status).toBe(200);
        expect(fqdn.queries).toContain('backend.team-a.svc.cluster.local A');
        expect(fqdn.queries).not.toContain('backend A');
      } finally {
        await k8s.stop();
      }
      // Compose (no KUBERNETES_SERVICE_HOST): the bare name, as Docker's DNS answers it; this stub does not know it.
      const compose = await startNginx({ conf: f.conf, command: f.command, port: f.port, resolvConf });
      try {
        expect((await request(f.port, 'GET', '/api/x')).status).toBe(502);
        expect(fqdn.queries).toContain('backend A');
      } finally {
        await compose.stop();
      }
    } finally {
      await up.close();
      await fqdn.close();
    }
  });

  test('the image STOPSIGNAL SIGQUIT lets a request in flight finish; SIGTERM would cut it', async () => {
    const up = await upstream('backend', 0, 1500);
    const f = await proxiedFrontend({ backend: up.port }, (s) => [{ path: '/api/', service: s.backend }]);
    try {
      for (const [signal, outcome] of [['SIGQUIT', 'HTTP 200'], ['SIGTERM', 'cut']] as const) {
        const nginx = await startNginx({ conf: f.conf, command: f.command, port: f.port, resolvConf: resolv() });
        const inFlight = request(f.port, 'GET', '/api/slow').then((r) => `HTTP ${r.status}`, () => 'cut');
        // The upstream has the request (and holds its answer 1.5 s): the signal comes while it is in flight.
        while (!up.seen.some((x) => x.url === '/api/slow')) await new Promise((r) => setTimeout(r, 20));
        up.seen.length = 0;
        const exit = await nginx.stop(signal);
        expect([signal, await inFlight, exit]).toEqual([signal, outcome, signal === 'SIGQUIT' ? 'exit 0' : expect.any(String)]);
      }
    } finally {
      await up.close();
    }
  });
});

describe('the start command (POSIX sh: dash, as Debian, and BusyBox ash, as Alpine)', () => {
  /** The CMD of a frontend proxying /api to the backend. */
  const startCommand = () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    return new StaticFrontend(project, 'frontend', { proxies: [{ path: '/api', service: backend }] })._model.command!;
  };
  const file = (resolvers: string, suffix: string) => `resolver ${resolvers} valid=10s;\nmap "" $pc_dns_suffix {\n    default "${suffix}";\n}\n`;
  const k8s = { KUBERNETES_SERVICE_HOST: '10.96.0.1' };
  const cases: Array<[string, string, Record<string, string>, string]> = [
    ['Compose: Docker\'s embedded DNS', 'nameserver 127.0.0.11\nsearch example.com\noptions ndots:0\n', {}, file('127.0.0.11', '')],
    ['Kubernetes ClusterFirst', 'search team-a.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n', k8s, file('10.96.0.10', '.team-a.svc.cluster.local')],
    ['Kubernetes without a search domain', 'nameserver 10.96.0.10\n', k8s, file('10.96.0.10', '')],
    ['IPv6 in brackets, zone ids and odd words dropped, no final newline', '# nameserver 9.9.9.9\n nameserver\t::1\nnameserver fe80::1%eth0\nnameserver 1.2.3.4;evil\nnameserver 10.0.0.2 extra\nsearch a"b.svc', k8s, file('[::1] 10.0.0.2', '')],
    ['a trailing dot on the search domain', 'nameserver 10.96.0.10\nsearch ns.svc.cluster.local.\n', k8s, file('10.96.0.10', '.ns.svc.cluster.local')],
    ['no nameserver: 127.0.0.1 (lookups fail, the routes answer 502)', '', {}, file('127.0.0.1', '')],
  ];
  test.each(cases)('%s', (_name, resolvConf, env, expected) => {
    for (const shell of [[], [busybox(), 'sh']]) {
      const r = runStartScript(startCommand(), resolvConf, env, shell);
      expect({ shell: shell.join(' ') || '/bin/sh', output: r.output, status: r.status }).toEqual({ shell: shell.join(' ') || '/bin/sh', output: `nginx -e stderr -g daemon off;\n${expected}`, status: 0 });
    }
  });

  test('nginx is exec-ed (PID 1 stays nginx); without proxies the command is nginx alone', () => {
    const command = startCommand();
    const plain = new StaticFrontend(newProject(), 'frontend')._model.command;
    expect(command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(command[2]).toMatch(/; exec nginx -e stderr -g 'daemon off;'$/);
    expect(plain).toEqual(['nginx', '-e', 'stderr', '-g', 'daemon off;']);
  });

  test('a writable path other than /tmp takes the resolver file and the include', () => {
    const p = newProject();
    const b = new FastApiBackend(p, 'backend');
    const f = new StaticFrontend(p, 'frontend', { writablePaths: ['/var/run/nginx'], proxies: [{ path: '/api', service: b }] });
    expect(f._model.command![2]).toMatch(/^f=\/var\/run\/nginx\/nginx-resolver.conf; /);
    expect(synth(p)['frontend/nginx.conf']).toContain('    include /var/run/nginx/nginx-resolver.conf;\n');
  });
});
