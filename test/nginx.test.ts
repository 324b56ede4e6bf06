import { Duration, FastApiBackend, NodeService, HealthCheck, StaticFrontend } from '../src';
import { nginxTest } from './nginx-util';
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
      new StaticFrontend(project, 'frontend', { proxies: [{ path: '/api/', service: backend, readTimeout: Duration.seconds(30) }] });
      const conf = synth(project)['frontend/nginx.conf'];
      expect(location(conf, '^~ /api/')).toEqual([
        `proxy_pass http://backend:${port};`,
        'proxy_http_version 1.1;',
        'proxy_set_header Connection "";',
        'proxy_set_header Host $host;',
        'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
        'proxy_set_header X-Forwarded-Proto $scheme;',
        'proxy_set_header X-Forwarded-Host $host;',
        'proxy_read_timeout 30s;',
      ]);
      // The proxy comes before the extension rule, and ^~ keeps /api/x.json proxied.
      expect(conf.indexOf('location ^~ /api/')).toBeLessThan(conf.indexOf('location ~ '));
      const t = nginxTest(conf, ['backend']);
      expect(t.output).toContain('test is successful');
      expect(t.status).toBe(0);
    }
  });

  test('an upstream host of its own (a Kubernetes Service name that differs)', () => {
    const project = newProject();
    const api = new NodeService(project, 'api', { name: 'api', port: 3000 });
    new StaticFrontend(project, 'frontend', { proxies: [{ path: '/v1/', service: api, host: 'api-svc.default.svc.cluster.local' }] });
    const conf = synth(project)['frontend/nginx.conf'];
    expect(location(conf, '^~ /v1/')[0]).toBe('proxy_pass http://api-svc.default.svc.cluster.local:3000;');
    expect(nginxTest(conf, ['api-svc.default.svc.cluster.local']).status).toBe(0);
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
    expect(err(() => ({ proxies: [{ path: '/api', service: backend }] }))).toBe('frontend.proxies[0].path: must be a location prefix like /api/: / then [A-Za-z0-9._~/-], ending in / (/ itself serves the static files); received "/api"');
    expect(err(() => ({ proxies: [{ path: '/', service: backend }] }))).toMatch(/^frontend.proxies\[0\].path: must be a location prefix like \/api\//);
    expect(err(() => ({ proxies: [{ path: '/api/', service: worker }] }))).toBe('frontend.proxies[0].service: must be a container with a port (a service without a port answers no requests); received "worker"');
    expect(err(() => ({ proxies: [{ path: '/api/', service: backend, host: 'Backend;evil' }] }))).toBe('frontend.proxies[0].host: must be a lowercase DNS name (the Compose service or Kubernetes Service name); received "Backend;evil"');
    expect(err(() => ({ proxies: [{ path: '/api/', service: backend }, { path: '/api/', service: backend }] }))).toBe('frontend.proxies[1].path: must be a prefix no other proxy of this frontend has; received "/api/"');
    expect(err(() => ({ proxies: [{ path: '/api/', service: backend, readTimeout: Duration.millis(1500) }] }))).toBe('frontend.proxies[0].readTimeout: must be whole seconds; received "1500ms"');
    expect(err(() => ({ proxies: [{ path: '/ready/', service: backend }], readinessCheck: HealthCheck.httpGet({ path: '/ready/x' }) }))).toBe("frontend.proxies[0].path: must be a prefix that does not capture the frontend's own health-check path /ready/x; received \"/ready/\"");
    expect(err(() => ({ extraServerDirectives: ['listen 80;'] }))).toBe("frontend.extraServerDirectives[0]: must be a directive other than listen (the model writes it: port, user, pid, temp paths and root come from the frontend's options); received \"listen 80;\"");
    expect(err(() => ({ extraServerDirectives: ['location /x {'] }))).toBe('frontend.extraServerDirectives: must be lines whose braces balance; received "1 unclosed {"');
    expect(err(() => ({ extraServerDirectives: ['}', 'server {'] }))).toMatch(/^frontend.extraServerDirectives\[0\]: must be lines whose braces balance/);
    expect(err(() => ({ extraServerDirectives: ['add_header X 1'] }))).toBe('frontend.extraServerDirectives[0]: must be a directive ending in ; or a block line ending in { or }; received "add_header X 1"');
    expect(err(() => ({ extraServerDirectives: ['add_header X 1;\nuser root;'] }))).toMatch(/^frontend.extraServerDirectives\[0\]: must be a string without control characters/);
    expect(err(() => ({ assetsPath: 'assets' }))).toMatch(/^frontend.assetsPath: must be a location prefix like \/assets\//);
    for (const p of projects) expect(listFiles(p.outdir)).toEqual([]);
  });
});
