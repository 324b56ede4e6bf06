import * as YAML from 'yaml';
import { ComposeFile, ContainerService, FastApiBackend, HealthCheck, NodeService, ServiceOutputs, StaticFrontend } from '../src';
import { composeErrors } from './outputs-util';
import { errorOf, listFiles, newProject, synth } from './util';

describe('Compose host ports', () => {
  test('two services publishing the same host port are refused at synth, naming both; nothing is written', () => {
    const project = newProject();
    const a = new FastApiBackend(project, 'backend');
    const b = new FastApiBackend(project, 'backend2', { name: 'backend2' });
    new ComposeFile(project, 'compose', { services: [a, b] });
    expect(errorOf(() => project.synth())).toBe(
      'compose.services: must be containers publishing different host ports: backend and backend2 both publish 127.0.0.1:8000; give one of them another port, or set publishPorts: false (services still reach each other by name); received "backend, backend2"',
    );
    expect(listFiles(project.outdir)).toEqual([]);
  });

  test('a worker (no port) beside a service on 8080, and publishPorts: false, are fine', () => {
    const project = newProject();
    const web = new StaticFrontend(project, 'frontend');
    const worker = new NodeService(project, 'worker', { name: 'worker', noPort: true, healthCheck: HealthCheck.exec(['node', 'check.js']) });
    const api = new NodeService(project, 'api', { name: 'api', port: 8080 });
    new ComposeFile(project, 'compose', { services: [web, worker] });
    new ComposeFile(project, 'compose2', { services: [web, api], publishPorts: false, filePath: 'compose.internal.yaml' });
    const files = synth(project);
    const doc = YAML.parse(files['compose.yaml']);
    expect(doc.services.frontend.ports).toEqual([{ target: 8080, published: 8080, host_ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(doc.services.worker.ports).toBeUndefined();
    expect(YAML.parse(files['compose.internal.yaml']).services.api.ports).toBeUndefined();
  });
});

describe('ServiceOutputs covers every container service by default', () => {
  test('no services option: every container of the project, in Compose, Helm, the patches and the report', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend');
    new StaticFrontend(project, 'frontend');
    new ServiceOutputs(project, 'outputs');
    const files = synth(project);
    expect(Object.keys(YAML.parse(files['compose.yaml']).services)).toEqual(['backend', 'frontend']);
    expect(Object.keys(files).filter((f) => /^(helm|k8s\/patches)\//.test(f)).sort()).toEqual([
      'helm/backend.values.yaml', 'helm/frontend.values.yaml', 'k8s/patches/backend.replacements.yaml', 'k8s/patches/backend.yaml',
      'k8s/patches/frontend.replacements.yaml', 'k8s/patches/frontend.yaml',
    ]);
    expect(files['docs/health-alignment.md']).toContain('## frontend');
  });

  test('a container left out: a warning unless excluded on purpose', () => {
    const project = newProject();
    const warn = jest.spyOn(project.logger, 'warn');
    const backend = new FastApiBackend(project, 'backend');
    const frontend = new StaticFrontend(project, 'frontend');
    new ServiceOutputs(project, 'outputs', { services: [backend] });
    synth(project);
    expect(warn.mock.calls.map((c) => c.join(' '))).toContain(
      'outputs.services: container frontend is not covered (no Compose service, Helm values, kustomize patch or report section); list it in services, or in exclude to leave it out on purpose',
    );

    const p2 = newProject();
    const warn2 = jest.spyOn(p2.logger, 'warn');
    new FastApiBackend(p2, 'backend');
    const f2 = new StaticFrontend(p2, 'frontend');
    new ServiceOutputs(p2, 'outputs', { exclude: [f2] });
    const files = synth(p2);
    expect(Object.keys(YAML.parse(files['compose.yaml']).services)).toEqual(['backend']);
    expect(warn2.mock.calls.map((c) => c.join(' ')).filter((l) => l.includes('not covered'))).toEqual([]);
    expect(errorOf(() => new ServiceOutputs(newProject(), 'o', { services: [frontend], exclude: [frontend] }))).toBe('o.exclude: must be containers not also listed in services; received "frontend"');
  });
});

/** Makes `frontend` proxy to `upstreams`, as StaticFrontend's proxies do (its `_upstreams`). */
function proxying(frontend: ContainerService, ...upstreams: ContainerService[]): void {
  jest.spyOn(frontend, '_upstreams').mockReturnValue(upstreams);
}

describe('a proxy upstream in Compose', () => {
  test('adds depends_on (service_healthy: every container has a HEALTHCHECK) unless declared (the upstreams of a frontend\'s proxies)', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    const orders = new NodeService(project, 'orders', { name: 'orders', port: 3000 });
    const frontend = new StaticFrontend(project, 'frontend');
    proxying(frontend, backend, orders);
    new ComposeFile(project, 'compose', { services: [backend, orders, frontend], dependencies: [{ service: frontend, dependsOn: backend }] });
    const doc = YAML.parse(synth(project)['compose.yaml']);
    expect(doc.services.frontend.depends_on).toEqual({ backend: { condition: 'service_healthy' }, orders: { condition: 'service_healthy' } });
    expect(doc.services.backend.depends_on).toBeUndefined();
    expect(composeErrors(doc)).toEqual([]);
  });

  test('a proxied container left out of the Compose file is an error at synth naming the fix; nothing is written', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    const frontend = new StaticFrontend(project, 'frontend');
    proxying(frontend, backend);
    new ComposeFile(project, 'compose', { services: [frontend] });
    expect(errorOf(() => project.synth())).toBe(
      'compose.services: must be a list with every container a listed container proxies to: frontend proxies to backend, which is not in this Compose file (its proxied routes would fail); add backend to services; received "frontend -> backend"',
    );
    expect(listFiles(project.outdir)).toEqual([]);

    const p2 = newProject();
    const b2 = new FastApiBackend(p2, 'backend');
    const f2 = new StaticFrontend(p2, 'frontend');
    proxying(f2, b2);
    new ServiceOutputs(p2, 'outputs', { exclude: [b2] });
    expect(errorOf(() => p2.synth())).toMatch(/^outputs.services: must be a list with every container a listed container proxies to: frontend proxies to backend, .*; add backend to services \(and not to exclude\); received "frontend -> backend"$/);
  });
});

describe('Compose services carry environment and extra services', () => {
  const extras = {
    db: { image: 'postgres:16.4', environment: { POSTGRES_PASSWORD: 'pa$$word' }, healthcheck: { test: ['CMD', 'pg_isready', '-U', 'postgres'], interval: '5s' } },
    queue: { image: 'rabbitmq:3.13', ports: ['127.0.0.1:5672:5672'] },
  };

  test('environment per container (literal: $ written $$, YAML 1.1-safe quoting) and depends_on on extras by their healthcheck; the document passes the compose-spec schema', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    const worker = new NodeService(project, 'worker', { name: 'worker', noPort: true, healthCheck: HealthCheck.exec(['node', 'check.js']) });
    const file = new ComposeFile(project, 'compose', {
      services: [backend, worker],
      serviceSettings: [
        { service: backend, environment: { DATABASE_URL: 'postgresql://app:$ecret@db:5432/app', DEBUG: 'no', WORKERS: '0o10', MOTD: 'a: b\n# not a comment' }, dependsOn: ['db', 'queue'] },
        { service: worker, dependsOn: ['queue'] },
      ],
      extraServices: extras,
    });
    const text = synth(project)['compose.yaml'];
    const doc = YAML.parse(text);
    expect(composeErrors(doc)).toEqual([]);
    expect(Object.keys(doc.services)).toEqual(['backend', 'worker', 'db', 'queue']);
    expect(doc.services.backend.environment).toEqual({ DATABASE_URL: 'postgresql://app:$$ecret@db:5432/app', DEBUG: 'no', WORKERS: '0o10', MOTD: 'a: b\n# not a comment' });
    // A YAML 1.1 reader (go-yaml, Compose's) reads the same strings: 'no' and '0o10' are quoted.
    expect(YAML.parse(text, { version: '1.1' }).services.backend.environment.DEBUG).toBe('no');
    expect(text).toContain('DEBUG: "no"');
    expect(doc.services.backend.depends_on).toEqual({ db: { condition: 'service_healthy' }, queue: { condition: 'service_started' } });
    expect(doc.services.worker.depends_on).toEqual({ queue: { condition: 'service_started' } });
    expect(doc.services.db).toEqual({ ...extras.db, environment: { POSTGRES_PASSWORD: 'pa$$$$word' } });
    expect(doc.services.queue).toEqual(extras.queue);
    expect(file.file.path).toBe('compose.yaml');
  });

  test('ServiceOutputs passes them on; invalid settings and extras are refused naming the option', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    new ServiceOutputs(project, 'outputs', { composeServiceSettings: [{ service: backend, environment: { A: '1' } }], composeExtraServices: { db: { image: 'postgres:16.4' } }, kustomize: false, helm: false, report: false });
    expect(YAML.parse(synth(project)['compose.yaml']).services.db).toEqual({ image: 'postgres:16.4' });
    expect(errorOf(() => new ServiceOutputs(newProject(), 'o', { services: [backend], composeFilePath: 'compose.json' }))).toBe(
      'o.composeFilePath: must be a path ending in .yaml or .yml; received "compose.json"',
    );

    const p = newProject();
    const b = new FastApiBackend(p, 'backend');
    const other = new FastApiBackend(p, 'other', { name: 'other', port: 8001 });
    const cases: Array<[Partial<import('../src').ComposeFileOptions>, string]> = [
      [{ extraServices: { backend: { image: 'x:1' } } }, 'c.extraServices: must be service names no container of this file has (backend); received "backend"'],
      [{ extraServices: { 'd b': { image: 'x:1' } } }, 'c.extraServices: must be service names matching /^[a-zA-Z0-9._-]+$/; received "d b"'],
      [{ extraServices: { db: { environment: {} } } }, 'c.extraServices.db: must be a service with an image or a build (Compose refuses one with neither); received ["environment"]'],
      [{ extraServices: { db: { image: 'x:1', depends_on: ['cache'] } } }, 'c.extraServices.db.depends_on: must be names of other services of this file (backend); received "cache"'],
      [{ extraServices: { db: { image: 'x:1', mem_limit: Infinity } } }, 'c.extraServices.db.mem_limit: must be a finite number; received Infinity'],
      [{ extraServices: { db: { image: 'x:1', entrypoint: () => 1 } } }, 'c.extraServices.db.entrypoint: must be plain data (strings, numbers, booleans, null, arrays, objects); received "function"'],
      [{ serviceSettings: [{ service: other }] }, 'c.serviceSettings[0].service: must be a container listed in services (backend); received "other"'],
      [{ serviceSettings: [{ service: b, environment: { 'A-B': 'x' } }] }, 'c.serviceSettings[0].environment: must be an environment variable name matching /^[A-Za-z_][A-Za-z0-9_]*$/; received "A-B"'],
      [{ serviceSettings: [{ service: b, environment: { PORT: 8000 as any } }] }, "c.serviceSettings[0].environment.PORT: must be a string (write a number as '8000'); received 8000"],
      [{ serviceSettings: [{ service: b, dependsOn: ['db'] }] }, 'c.serviceSettings[0].dependsOn: must be names of extraServices (none given); received "db"'],
      [{ serviceSettings: [{ service: b }, { service: b }] }, 'c.serviceSettings[1].service: must be a container no other entry has settings for; received "backend"'],
    ];
    // Each case under its own construct id c0, c1, ...: the message starts with it.
    cases.forEach(([o, message], i) => expect(errorOf(() => new ComposeFile(p, `c${i}`, { services: [b], ...o }))).toBe(message.replace(/^c\./, `c${i}.`)));
  });

  test('a cycle through an extra service is refused', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    new ComposeFile(project, 'compose', { services: [backend], serviceSettings: [{ service: backend, dependsOn: ['db'] }], extraServices: { db: { image: 'postgres:16.4', depends_on: { backend: { condition: 'service_started' } } } } });
    expect(errorOf(() => project.synth())).toBe('compose.dependencies: must be free of cycles (Compose cannot start any service of a cycle); received "backend -> db -> backend"');
  });
});

describe('Compose version and the options errors name', () => {
  test('the header says Compose v2 is needed (Compose 1.29 refuses host_ip)', () => {
    const project = newProject();
    new ComposeFile(project, 'compose', { services: [new FastApiBackend(project, 'backend')] });
    const text = synth(project)['compose.yaml'];
    expect(text.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^# ~~ Generated by projen/),
      '# Needs Compose v2 (docker compose): Compose 1.x (docker-compose 1.29) refuses host_ip in ports.',
      '',
    ]);
  });

  test('the port clash through ServiceOutputs names composePublishPorts, which exists and works', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend');
    new FastApiBackend(project, 'backend2', { name: 'backend2' });
    new ServiceOutputs(project, 'outputs', { kustomize: false, helm: false, report: false });
    expect(errorOf(() => project.synth())).toBe(
      'outputs.services: must be containers publishing different host ports: backend and backend2 both publish 127.0.0.1:8000; give one of them another port, or set composePublishPorts: false (services still reach each other by name); received "backend, backend2"',
    );
    const p2 = newProject();
    new FastApiBackend(p2, 'backend');
    new FastApiBackend(p2, 'backend2', { name: 'backend2' });
    new ServiceOutputs(p2, 'outputs', { composePublishPorts: false, kustomize: false, helm: false, report: false });
    expect(YAML.parse(synth(p2)['compose.yaml']).services.backend2.ports).toBeUndefined();
  });
});
