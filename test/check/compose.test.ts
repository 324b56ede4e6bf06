// Compose as the checker's third side: the reader (test forms, timing, depends_on, interpolation) and rules PC030-PC034.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check } from '../../src/check/_check';
import { composeInterpolate, readComposeFile } from '../../src/check/read';
import { RULES } from '../../src/check/rules/_finding';

const fixtures = path.join(__dirname, 'fixtures', 'compose');
const run = (dir: string) => check({ paths: ['.'], cwd: path.join(fixtures, dir) });

describe('readComposeFile: healthcheck and depends_on as Docker runs them', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-compose-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const read = (text: string, env?: string) => {
    fs.writeFileSync(path.join(dir, 'docker-compose.yml'), text);
    if (env !== undefined) fs.writeFileSync(path.join(dir, '.env'), env);
    return readComposeFile(path.join(dir, 'docker-compose.yml'), (f) => path.relative(dir, f));
  };

  test('CMD, CMD-SHELL, a plain string, NONE, disable, no test; durations in seconds; lines', () => {
    const services = read([
      'x-timing: &timing',
      '  interval: 1m30s',
      '  retries: 5',
      'services:',
      '  a:',
      '    healthcheck:',
      '      test: ["CMD", "curl", "-f", "http://127.0.0.1:8000/healthz"]',
      '      <<: *timing',
      '      timeout: 500ms',
      '      start_period: 20s',
      '      start_interval: 2s',
      '  b:',
      '    healthcheck:',
      '      test: ["CMD-SHELL", "wget -q --spider http://127.0.0.1:$${PORT}/ || exit 1"]',
      '  c:',
      '    healthcheck: { test: pg_isready -U $$USER }',
      '  d:',
      '    healthcheck: { test: ["NONE"] }',
      '  e:',
      '    healthcheck: { disable: true }',
      '  f:',
      '    healthcheck: { interval: 5s }',
      '  g:',
      '    image: busybox',
      '',
    ].join('\n'));
    const hc = Object.fromEntries(services.map((s) => [s.name, s.healthcheck]));
    expect(hc.a).toEqual({ line: 6, testLine: 7, startPeriodLine: 10, disabled: false, form: 'exec', argv: ['curl', '-f', 'http://127.0.0.1:8000/healthz'], interval: 90, timeout: 0.5, startPeriod: 20, startInterval: 2, retries: 5 });
    expect(hc.b).toMatchObject({ testLine: 14, form: 'shell', argv: ['/bin/sh', '-c', 'wget -q --spider http://127.0.0.1:${PORT}/ || exit 1'] });
    expect(hc.c).toMatchObject({ form: 'shell', argv: ['/bin/sh', '-c', 'pg_isready -U $USER'], disabled: false });
    expect(hc.d).toMatchObject({ disabled: true, argv: undefined });
    expect(hc.e).toMatchObject({ disabled: true, argv: undefined });
    expect(hc.f).toMatchObject({ disabled: false, form: undefined, argv: undefined, interval: 5 });
    expect(hc.g).toBeUndefined();
    expect(services.map((s) => [s.name, s.line, s.file])).toEqual([['a', 5, 'docker-compose.yml'], ['b', 12, 'docker-compose.yml'], ['c', 15, 'docker-compose.yml'],
      ['d', 17, 'docker-compose.yml'], ['e', 19, 'docker-compose.yml'], ['f', 21, 'docker-compose.yml'], ['g', 23, 'docker-compose.yml']]);
  });

  test('depends_on in the short and long forms; build with the Dockerfile and target; .env interpolation', () => {
    fs.mkdirSync(path.join(dir, 'api'));
    fs.writeFileSync(path.join(dir, 'api', 'Dockerfile.prod'), 'FROM scratch\n');
    const [web, api] = read([
      'services:',
      '  web:',
      '    image: ${REGISTRY:-ghcr.io/acme}/web:${TAG}',
      '    depends_on:',
      '      api: { condition: service_healthy }',
      '      db:',
      '        condition: service_started',
      '        required: false',
      '  api:',
      '    build: { context: ./api, dockerfile: "${DOCKERFILE}", target: production }',
      '    depends_on: [db]',
      '',
    ].join('\n'), 'TAG=1.2\nDOCKERFILE=Dockerfile.prod\n');
    expect(web.image).toBe('ghcr.io/acme/web:1.2');
    expect(web.dependsOn).toEqual([
      { service: 'api', condition: 'service_healthy', required: true, line: 5 },
      { service: 'db', condition: 'service_started', required: false, line: 6 },
    ]);
    expect(api.build).toEqual({ dockerfile: path.join(dir, 'api', 'Dockerfile.prod'), target: 'production' });
    expect(api.dependsOn).toEqual([{ service: 'db', condition: 'service_started', required: true, line: 11 }]);
  });

  test('a file that is not Compose YAML gives no service', () => {
    expect(read('services: [a, b]\n')).toEqual([]);
    expect(read('key: : :\n  - [\n')).toEqual([]);
  });

  test('interpolation: $$ is a literal $, defaults as Compose applies them, unknown names left as written', () => {
    const env = { SET: 'x', EMPTY: '' };
    expect(composeInterpolate('$$HOME ${SET} $SET ${EMPTY:-d} ${EMPTY-d} ${UNSET-d} ${UNSET} $$$SET', env)).toBe('$HOME x x d  d ${UNSET} $x');
  });
});

describe('Compose rules on fixtures', () => {
  test('broken: a tool the image lacks, endpoints that drift from the HEALTHCHECK and the livenessProbe, service_healthy without a healthcheck', () => {
    const r = run('broken');
    expect(r.findings.filter((f) => /^PC03/.test(f.rule)).map((f) => [f.rule, f.severity, `${f.file}:${f.line}`, f.subject, f.message])).toEqual([
      ['PC030', 'error', 'compose.yaml:6', 'compose/api', 'the Compose healthcheck runs curl, which the image it builds (api/Dockerfile#production, FROM python:3.12-slim) does not have and no RUN of the stage installs: the container never turns healthy'],
      ['PC031', 'warning', 'compose.yaml:6', 'compose/api', 'the Compose healthcheck checks port 8000 path /health, the image\'s HEALTHCHECK (api/Dockerfile:6) port 8000 path /healthz: Compose replaces the image\'s check, so one of them is stale'],
      ['PC031', 'warning', 'compose.yaml:15', 'compose/web', 'the Compose healthcheck checks port 9090 path /, the image\'s HEALTHCHECK (web/Dockerfile:5) port 8080 path /: Compose replaces the image\'s check, so one of them is stale'],
      ['PC032', 'warning', 'compose.yaml:20', 'compose/admin', 'the Compose healthcheck checks port 9000 path /ready, the livenessProbe of Deployment/admin/admin (k8s/admin.yaml:13), the same image, port 8081 path /live'],
      ['PC034', 'error', 'compose.yaml:20', 'compose/admin', 'the Compose healthcheck requests port 9000, the image it builds (admin/Dockerfile) EXPOSEs 8081 only'],
      // The kubelet's budget with Kubernetes' defaults, 0 + 10 x (3 - 1) = 20 s, against Compose's 60 s start.
      ['PC035', 'warning', 'compose.yaml:21', 'compose/admin', 'the Compose start_period is 60s, the livenessProbe (no startupProbe) of Deployment/admin/admin (k8s/admin.yaml:13), the same image, allows 20s (initialDelaySeconds 0 + periodSeconds 10 x (failureThreshold 3 - 1) = 20s): a start as slow as Compose allows gets the container restarted by the kubelet'],
      ['PC033', 'error', 'compose.yaml:26', 'compose/frontend', 'depends_on worker with condition service_healthy, and worker has no healthcheck: none in Compose, no HEALTHCHECK in the image it builds (worker/Dockerfile#production): docker compose up stops with "container ... has no healthcheck configured"'],
      ['PC033', 'warning', 'compose.yaml:28', 'compose/frontend', 'depends_on db with condition service_healthy, and db has no healthcheck in Compose: it passes only if its image postgres:16 has a HEALTHCHECK of its own; without one, docker compose up stops with "container ... has no healthcheck configured"'],
      // required: false: Compose warns and goes on.
      ['PC033', 'warning', 'compose.yaml:30', 'compose/frontend', 'depends_on cache with condition service_healthy, and cache disables its healthcheck (compose.yaml:37): with required: false, docker compose up only warns ("optional dependency ... is not running or is unhealthy") and starts frontend without the wait it asks for'],
    ]);
    // Every finding: the Compose ones and what the Dockerfiles say on their own (no PC018: Compose checks admin, and
    // worker serves no port; PC033 names what its missing healthcheck breaks).
    expect(r.findings.map((f) => f.rule).sort()).toEqual(['PC030', 'PC031', 'PC031', 'PC032', 'PC033', 'PC033', 'PC033', 'PC034', 'PC035']);
    expect(r.compose.map((s) => s.name)).toEqual(['api', 'worker', 'web', 'admin', 'frontend', 'db', 'cache']);
  });

  test('aligned: the image\'s own check with Compose timing, the same endpoints, a start period within the kubelet\'s budget, a healthcheck on every service_healthy dependency: no Compose finding', () => {
    const r = run('aligned');
    // No finding at all: the images without a HEALTHCHECK get theirs from Compose, so PC018 has nothing to say either.
    expect(r.findings.map((f) => [f.rule, f.severity, `${f.file}:${f.line}`])).toEqual([]);
  });

  test('a service without build: compared with the livenessProbe of the containers running the same image repository', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-compose-image-'));
    try {
      fs.writeFileSync(path.join(dir, 'docker-compose.yml'), [
        'services:',
        '  api:',
        '    image: ghcr.io/acme/api:1.4',
        '    healthcheck:',
        '      test: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:8080/healthz"]',
        '',
      ].join('\n'));
      fs.writeFileSync(path.join(dir, 'deploy.yaml'), [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: { name: api }',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: api',
        '          image: ghcr.io/acme/api:1.5',
        '          ports: [{ name: http, containerPort: 8080 }]',
        '          livenessProbe: { httpGet: { path: /livez, port: http } }',
        '          readinessProbe: { httpGet: { path: /readyz, port: http } }',
        '',
      ].join('\n'));
      expect(check({ paths: ['.'], cwd: dir }).findings.filter((f) => f.rule === 'PC032').map((f) => [f.severity, `${f.file}:${f.line}`, f.message])).toEqual([
        ['warning', 'docker-compose.yml:5', 'the Compose healthcheck checks port 8080 path /healthz, the livenessProbe of Deployment/api/api (deploy.yaml:11), the same image, port 8080 path /livez'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('PC032: a Compose healthcheck on the endpoint of the readinessProbe or the startupProbe is a match; one on no probe\'s endpoint is not', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-compose-ready-'));
    try {
      const service = (name: string, url: string) => [`  ${name}:`, `    image: ghcr.io/acme/${name}:1`, '    healthcheck:', `      test: ["CMD", "wget", "-q", "--spider", "${url}"]`];
      fs.writeFileSync(path.join(dir, 'docker-compose.yml'), ['services:',
        ...service('orders', 'http://127.0.0.1:8080/readyz'),
        ...service('search', 'http://127.0.0.1:8080/started'),
        ...service('stale', 'http://127.0.0.1:8080/health'), ''].join('\n'));
      const deployment = (name: string, extra: string) => ['apiVersion: apps/v1', 'kind: Deployment', `metadata: { name: ${name} }`, 'spec:', '  template:', '    spec:', '      containers:',
        `        - name: ${name}`, `          image: ghcr.io/acme/${name}:1`, '          ports: [{ name: http, containerPort: 8080 }]',
        '          livenessProbe: { httpGet: { path: /livez, port: http } }', extra, ''].join('\n');
      fs.writeFileSync(path.join(dir, 'deploy.yaml'), [
        deployment('orders', '          readinessProbe: { httpGet: { path: /readyz, port: http } }'),
        deployment('search', '          startupProbe: { httpGet: { path: /started, port: 8080 } }'),
        deployment('stale', '          readinessProbe: { httpGet: { path: /readyz, port: http } }'),
      ].join('---\n'));
      expect(check({ paths: ['.'], cwd: dir }).findings.filter((f) => f.rule === 'PC032').map((f) => f.subject)).toEqual(['compose/stale']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an override file of the same folder gives the healthcheck a service_healthy dependency needs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-compose-override-'));
    try {
      fs.writeFileSync(path.join(dir, 'compose.yaml'), 'services:\n  app:\n    image: app:1\n    depends_on: { db: { condition: service_healthy } }\n  db:\n    image: postgres:16\n');
      expect(check({ paths: ['.'], cwd: dir }).findings.map((f) => [f.rule, f.severity, `${f.file}:${f.line}`])).toEqual([['PC033', 'warning', 'compose.yaml:4']]);
      fs.writeFileSync(path.join(dir, 'compose.override.yaml'), 'services:\n  db:\n    healthcheck: { test: ["CMD", "pg_isready"] }\n');
      expect(check({ paths: ['.'], cwd: dir }).findings).toEqual([]);
      // A healthcheck with timing only runs the image's HEALTHCHECK: with none in the image, no check at all.
      fs.mkdirSync(path.join(dir, 'pg'));
      fs.writeFileSync(path.join(dir, 'pg', 'Dockerfile'), 'FROM python:3.12-slim\nCMD ["python3", "-m", "http.server"]\n');
      fs.writeFileSync(path.join(dir, 'compose.override.yaml'), 'services:\n  db:\n    build: ./pg\n    healthcheck: { interval: 5s }\n');
      expect(check({ paths: ['.'], cwd: dir }).findings.filter((f) => f.rule === 'PC033').map((f) => [f.severity, f.message])).toEqual([
        ['error', 'depends_on db with condition service_healthy, and db has no healthcheck: no test in its Compose healthcheck, no HEALTHCHECK in the image it builds (pg/Dockerfile): docker compose up stops with "container ... has no healthcheck configured"'],
      ]);
      // Built here FROM a base the checker does not know, which may carry a HEALTHCHECK: a warning.
      fs.mkdirSync(path.join(dir, 'db'));
      fs.writeFileSync(path.join(dir, 'db', 'Dockerfile'), 'FROM registry.example.com/acme/postgres-base:16\nUSER 999:999\n');
      fs.writeFileSync(path.join(dir, 'compose.override.yaml'), 'services:\n  db:\n    build: ./db\n');
      expect(check({ paths: ['.'], cwd: dir }).findings.filter((f) => f.rule === 'PC033').map((f) => [f.severity, f.message])).toEqual([
        ['warning', 'depends_on db with condition service_healthy, and db has no healthcheck: none in Compose, no HEALTHCHECK in the image it builds (db/Dockerfile) unless its base registry.example.com/acme/postgres-base:16 has one: docker compose up stops with "container ... has no healthcheck configured"'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('every rule of the table has its row in docs/check.md', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'check.md'), 'utf8');
  expect(Object.keys(RULES).filter((id) => !doc.includes(`\n| ${id} | `))).toEqual([]);
});
