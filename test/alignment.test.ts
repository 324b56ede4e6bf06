import * as fs from 'fs';
import * as path from 'path';
import { Duration, FastApiBackend, HealthCheck, StaticFrontend } from '../src';
import { newProject, only, parseDockerfile, parseSnippet, stage, synth } from './util';

/**
 * One value in .projenrc.ts feeds every file that carries it: change it once and every file moves.
 */
function frontendFiles(options = {}) {
  const project = newProject();
  new StaticFrontend(project, 'frontend', options);
  const files = synth(project);
  const prod = stage(parseDockerfile(files['frontend/Dockerfile']), 'production');
  return { prod, conf: files['frontend/nginx.conf'], c: parseSnippet(files['k8s/frontend.yaml']).containers[0] };
}

function backendFiles(options = {}) {
  const project = newProject();
  new FastApiBackend(project, 'backend', options);
  const files = synth(project);
  const prod = stage(parseDockerfile(files['backend/Dockerfile']), 'production');
  return { prod, c: parseSnippet(files['k8s/backend.yaml']).containers[0] };
}

describe('one change moves every file', () => {
  test('frontend port: EXPOSE, nginx listen, HEALTHCHECK URL, containerPort', () => {
    const before = frontendFiles();
    const after = frontendFiles({ port: 9090 });
    expect(only(before.prod, 'EXPOSE').args).toEqual(['8080/tcp']);
    expect(only(after.prod, 'EXPOSE').args).toEqual(['9090/tcp']);
    expect(after.conf).toMatch(/^\s+listen 9090;$/m);
    expect(after.conf).not.toMatch(/8080/);
    expect(only(after.prod, 'HEALTHCHECK').json?.[2]).toContain('http://127.0.0.1:9090/');
    expect(after.c.ports[0].containerPort).toBe(9090);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(after.c[probe].httpGet.port).toBe('http');
  });

  test('backend port: EXPOSE, uvicorn --port, HEALTHCHECK URL, containerPort', () => {
    const after = backendFiles({ port: 8081 });
    expect(only(after.prod, 'EXPOSE').args).toEqual(['8081/tcp']);
    expect(only(after.prod, 'CMD').json).toContain('8081');
    expect(only(after.prod, 'HEALTHCHECK').json?.[2]).toContain('http://127.0.0.1:8081/api/v1/health');
    expect(after.c.ports[0].containerPort).toBe(8081);
  });

  test('port name: containerPort name and every probe port', () => {
    const { c } = backendFiles({ portName: 'api' });
    expect(c.ports[0].name).toBe('api');
    expect([c.startupProbe, c.livenessProbe, c.readinessProbe].map((p) => p.httpGet.port)).toEqual(['api', 'api', 'api']);
  });

  test('health path: HEALTHCHECK URL, startup and liveness probes', () => {
    const { prod, c } = backendFiles({ healthCheck: HealthCheck.httpGet({ path: '/healthz' }) });
    expect(only(prod, 'HEALTHCHECK').json?.[2]).toContain('http://127.0.0.1:8000/healthz ');
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.startupProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/api/v1/health/ready');
  });

  test('readiness path: readinessProbe and the nginx location', () => {
    const { conf, c } = frontendFiles({ readinessCheck: HealthCheck.httpGet({ path: '/ready-now' }) });
    expect(c.readinessProbe.httpGet.path).toBe('/ready-now');
    expect(conf).toContain('location = /ready-now {');
    expect(conf).not.toContain('/readyz');
  });

  test.each([
    ['interval', { interval: Duration.seconds(45) }, '--interval', '45s', 'periodSeconds', 45],
    ['timeout', { timeout: Duration.seconds(3) }, '--timeout', '3s', 'timeoutSeconds', 3],
    ['retries', { retries: 5 }, '--retries', '5', 'failureThreshold', 5],
  ])('timing %s: HEALTHCHECK flag and the liveness field; readiness keeps its own timing', (_n, timing, flag, flagValue, field, fieldValue) => {
    const { prod, c } = backendFiles({ timing });
    expect(only(prod, 'HEALTHCHECK').flags[flag.slice(2)]).toBe(flagValue);
    expect(c.livenessProbe[field]).toBe(fieldValue);
    // readinessTiming defaults: period 5 s, timeout 3 s, failureThreshold 3.
    expect(c.readinessProbe[field]).toBe(({ periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 } as Record<string, number>)[field]);
  });

  test('timeout also reaches the check tool, so the tool gives up when Docker does', () => {
    const { prod } = frontendFiles({ timing: { timeout: Duration.seconds(4) } });
    expect(only(prod, 'HEALTHCHECK').json?.[2]).toContain('wget -q -O /dev/null -T 4 ');
  });

  test('start period: --start-period and the startupProbe budget', () => {
    const { prod, c } = backendFiles({ timing: { startPeriod: Duration.minutes(2) } });
    expect(only(prod, 'HEALTHCHECK').flags['start-period']).toBe('120s');
    expect(c.startupProbe.periodSeconds).toBe(2);
    // 2 s x (61 - 1) = 120 s: the kubelet restarts at the 61st failure, 120 s after the first probe.
    expect(c.startupProbe.failureThreshold).toBe(61);
  });

  test('start interval: startupProbe.periodSeconds and failureThreshold = ceil(start period / start interval) + 1', () => {
    const { c } = backendFiles({ timing: { startPeriod: Duration.seconds(10), startInterval: Duration.seconds(3) } });
    expect(c.startupProbe.periodSeconds).toBe(3);
    // 3 s x (5 - 1) = 12 s >= 10 s; 4 would restart at 9 s.
    expect(c.startupProbe.failureThreshold).toBe(5);
    expect(c.startupProbe.timeoutSeconds).toBe(3);
  });

  test('uid/gid: USER, account creation and the securityContext', () => {
    const { prod, c } = frontendFiles({ user: { uid: 2000, gid: 3000 } });
    expect(only(prod, 'USER').args).toEqual(['2000:3000']);
    expect(only(prod, 'RUN').args.join(' ')).toContain('addgroup -S -g 3000 appgroup && adduser -S -D -H -u 2000');
    expect(c.securityContext.runAsUser).toBe(2000);
    expect(c.securityContext.runAsGroup).toBe(3000);
  });

  test('writable paths: nginx temp dir, volumeMounts and emptyDir volumes', () => {
    const project = newProject();
    new StaticFrontend(project, 'frontend', { writablePaths: ['/var/run/nginx', '/var/cache/nginx'] });
    const files = synth(project);
    expect(files['frontend/nginx.conf']).toContain('pid /var/run/nginx/nginx.pid;');
    expect(files['frontend/nginx.conf']).toContain('client_body_temp_path /var/run/nginx/client_temp;');
    const k8s = parseSnippet(files['k8s/frontend.yaml']);
    expect(k8s.containers[0].volumeMounts).toEqual([
      { name: 'frontend-var-run-nginx', mountPath: '/var/run/nginx' },
      { name: 'frontend-var-cache-nginx', mountPath: '/var/cache/nginx' },
    ]);
    expect(k8s.volumes.map((v: any) => v.name)).toEqual(['frontend-var-run-nginx', 'frontend-var-cache-nginx']);
  });
});

describe('warnings for legal but risky choices (projen logger)', () => {
  /** The backend's own checks, given: no warning about assumed paths. */
  const CHECKS = { healthCheck: HealthCheck.httpGet({ path: '/api/v1/health' }), readinessCheck: HealthCheck.httpGet({ path: '/api/v1/health/ready' }) };

  /** The warnings of a backend with `options`, its app folder holding an app (no empty build context). */
  function warnings(options = {}) {
    const project = newProject();
    fs.mkdirSync(path.join(project.outdir, 'backend', 'app'), { recursive: true });
    fs.writeFileSync(path.join(project.outdir, 'backend', 'app', 'main.py'), 'app = None\n');
    const warn = jest.spyOn(project.logger, 'warn').mockImplementation(() => undefined);
    new FastApiBackend(project, 'backend', options);
    synth(project);
    return warn.mock.calls.map((c) => String(c[0]));
  }

  test('the defaults warn once, naming the health paths the preset assumed', () => {
    expect(warnings()).toEqual([
      "backend: the health checks are this construct's defaults, not paths read from your app: healthCheck GET /api/v1/health, readinessCheck GET /api/v1/health/ready; make sure the app serves them, or set healthCheck and readinessCheck to the app's own",
    ]);
  });

  test('the checks given: no warning', () => {
    expect(warnings(CHECKS)).toEqual([]);
  });

  test('HealthCheck.httpGet() without a path: a warning that it checks /', () => {
    expect(warnings({ ...CHECKS, healthCheck: HealthCheck.httpGet() })).toEqual([
      "backend.healthCheck: HealthCheck.httpGet() without a path checks GET /; give the app's health endpoint (path: '/healthz'), or path: '/' to check the root on purpose",
    ]);
    expect(warnings({ ...CHECKS, healthCheck: HealthCheck.httpGet({ path: '/' }) })).toEqual([]);
  });

  test('a timeout above half the interval', () => {
    expect(warnings({ ...CHECKS, timing: { interval: Duration.seconds(10), timeout: Duration.seconds(8) } })).toEqual([
      'backend.timing.timeout: 8s is more than half the 10s interval; slow checks will run back to back',
    ]);
  });

  test('a start interval longer than the start period warns about nothing: the startupProbe checks at 0 s and 5 s (failureThreshold 2)', () => {
    expect(warnings({ ...CHECKS, timing: { startPeriod: Duration.seconds(3), startInterval: Duration.seconds(5) } })).toEqual([]);
  });

  test('identical liveness and readiness checks', () => {
    expect(warnings({ ...CHECKS, readinessCheck: HealthCheck.httpGet({ path: '/api/v1/health' }) })).toEqual([
      'backend.readinessCheck: checks the same endpoint as the liveness check (headers and scheme aside); a failing dependency check would restart the container (kube-score pod-probes-identical)',
    ]);
  });

  test('a readiness check on the liveness path with its own headers: the same endpoint (kube-score and PC013 compare path and port)', () => {
    expect(warnings({ ...CHECKS, readinessCheck: HealthCheck.httpGet({ path: '/api/v1/health', headers: { 'X-Check': 'deep' } }) })).toEqual([
      'backend.readinessCheck: checks the same endpoint as the liveness check (headers and scheme aside); a failing dependency check would restart the container (kube-score pod-probes-identical)',
    ]);
  });
});

describe('a build directory without the app: a warning at synth naming the folder', () => {
  const EMPTY = (dir: string, what: string) => `backend.directory: ${dir}/ ${what}, so the image's build context has no app in it (COPY copies nothing, the build may fail or the image may not start); set directory to the app's folder, relative to the projen project`;
  const CHECKS = { healthCheck: HealthCheck.httpGet({ path: '/api/v1/health' }), readinessCheck: HealthCheck.httpGet({ path: '/api/v1/health/ready' }) };

  function synthWarnings(project: ReturnType<typeof newProject>): string[] {
    const warn = jest.spyOn(project.logger, 'warn').mockImplementation(() => undefined);
    synth(project);
    const lines = warn.mock.calls.map((c) => String(c[0]));
    warn.mockRestore();
    return lines;
  }

  test('a folder that does not exist, then one holding only the generated files (the next synth): warned both times', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend', { ...CHECKS, directory: 'services/backend' });
    expect(synthWarnings(project)).toEqual([EMPTY('services/backend', 'does not exist')]);
    expect(synthWarnings(project)).toEqual([EMPTY('services/backend', 'holds only the files this project generates')]);
  });

  test('a folder with the app in it (at any depth): no warning', () => {
    const project = newProject();
    fs.mkdirSync(path.join(project.outdir, 'backend', 'src', 'app'), { recursive: true });
    fs.writeFileSync(path.join(project.outdir, 'backend', 'src', 'app', 'main.py'), 'app = None\n');
    new FastApiBackend(project, 'backend', CHECKS);
    expect(synthWarnings(project)).toEqual([]);
  });
});

describe('the frontend defaults warn about nothing either', () => {
  test('start interval 1 s gives the startupProbe six checks, at 0-5 s, for the 5 s start period', () => {
    const project = newProject();
    fs.mkdirSync(path.join(project.outdir, 'frontend', 'src'), { recursive: true });
    fs.writeFileSync(path.join(project.outdir, 'frontend', 'index.html'), '<!doctype html>\n');
    const warn = jest.spyOn(project.logger, 'warn').mockImplementation(() => undefined);
    new StaticFrontend(project, 'frontend');
    synth(project);
    expect(warn).not.toHaveBeenCalled();
  });
});
