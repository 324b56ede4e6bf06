import * as YAML from 'yaml';
import { BaseImage, ContainerService, FastApiBackend, HealthCheck, NodeService, ServiceOutputs, StaticFrontend } from '../src';
import { errorOf, listFiles, newProject, only, parseDockerfile, parseSnippet, stage, synth, validatePodFragment } from './util';

const heartbeat = HealthCheck.exec(['node', '-e', 'process.exit(Date.now() - require("fs").statSync("/tmp/heartbeat").mtimeMs < 30000 ? 0 : 1)']);

describe('a service without a port (a worker)', () => {
  test('no EXPOSE, no containerPort, no Compose ports; exec probes; no readinessProbe unless given', () => {
    const project = newProject();
    const api = new NodeService(project, 'api', { name: 'api' });
    const worker = new NodeService(project, 'worker', { name: 'worker', directory: 'api', dockerfileName: 'Dockerfile.worker', noPort: true, main: 'worker.js', healthCheck: heartbeat });
    new ServiceOutputs(project, 'outputs', { services: [api, worker] });
    const files = synth(project);
    const prod = stage(parseDockerfile(files['api/Dockerfile.worker']), 'production');
    expect(prod.instructions.map((i) => i.keyword)).not.toContain('EXPOSE');
    expect(only(prod, 'HEALTHCHECK').json).toEqual(['node', '-e', 'process.exit(Date.now() - require("fs").statSync("/tmp/heartbeat").mtimeMs < 30000 ? 0 : 1)']);
    expect(only(prod, 'CMD').json).toEqual(['node', 'worker.js']);
    // No wget installed for a check that does not need it.
    expect(prod.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.raw.getTextContent())).toEqual([]);
    const snippet = parseSnippet(files['k8s/worker.yaml']);
    validatePodFragment(snippet);
    const c = snippet.containers[0];
    expect(c.ports).toBeUndefined();
    expect(c.livenessProbe.exec.command[0]).toBe('node');
    expect(c.startupProbe.exec.command[0]).toBe('node');
    expect(c.readinessProbe).toBeUndefined();
    const compose = YAML.parse(files['compose.yaml']);
    expect(compose.services.worker.ports).toBeUndefined();
    expect(compose.services.worker.expose).toBeUndefined();
    expect(compose.services.worker.build).toEqual({ context: './api', dockerfile: 'Dockerfile.worker', target: 'production' });
    expect(compose.services.api.build).toEqual({ context: './api', target: 'production' });
    const helm = YAML.parse(files['helm/worker.values.yaml']);
    expect(helm.service).toBeUndefined();
    expect(helm.containerPort).toBeUndefined();
    expect(files['docs/health-alignment.md']).toContain('none (`noPort`): no `EXPOSE`, no Compose `ports`');
    expect(worker.port).toBeUndefined();
  });

  test('an explicit exec readiness check is written', () => {
    const project = newProject();
    new ContainerService(project, 'worker', {
      baseImage: BaseImage.debian('python:3.12-slim'),
      noPort: true,
      healthCheck: HealthCheck.exec(['python3', '/app/alive.py']),
      readinessCheck: HealthCheck.shell('test -f /tmp/ready'),
      command: ['python3', '-m', 'app.worker'],
    });
    const c = parseSnippet(synth(project)['k8s/worker.yaml']).containers[0];
    expect(c.readinessProbe.exec.command).toEqual(['/bin/sh', '-c', '(test -f /tmp/ready) || exit 1']);
  });

  test('an HTTP check on a service without a port says how to model a worker; nothing is written', () => {
    const project = newProject();
    expect(errorOf(() => new ContainerService(project, 'worker', { baseImage: BaseImage.debian('python:3.12-slim'), noPort: true, healthCheck: HealthCheck.httpGet(), command: ['x'] }))).toBe(
      'worker.healthCheck: must be an exec check (HealthCheck.exec([...]) or HealthCheck.shell(script)) for a service without a port: a worker with noPort: true is checked by a command in the container, e.g. the age of a heartbeat file it touches; received "httpGet"',
    );
    expect(errorOf(() => new ContainerService(newProject(), 'worker', { baseImage: BaseImage.debian('python:3.12-slim'), noPort: true, command: ['x'] }))).toBe(
      'worker.healthCheck: must be a health check (a service without a port takes an exec check: HealthCheck.exec([...]) or HealthCheck.shell(script)); received undefined',
    );
    expect(errorOf(() => new ContainerService(newProject(), 'w', { baseImage: BaseImage.debian('python:3.12-slim'), noPort: true, port: 9000, healthCheck: heartbeat, command: ['x'] }))).toBe(
      'w.port: must be unset when noPort is true (a service without a port listens on none); received 9000',
    );
    expect(errorOf(() => new StaticFrontend(newProject(), 'frontend', { noPort: true }))).toBe('frontend.noPort: must be unset or false for a static frontend (nginx serves on a port); received true');
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { noPort: true }))).toMatch(/^backend.noPort: must be unset or false for a FastAPI backend/);
    expect(listFiles(project.outdir)).toEqual([]);
  });
});

describe('several services from one code directory', () => {
  test('each its own Dockerfile and command, one shared .dockerignore with both Dockerfile names', () => {
    const project = newProject();
    new NodeService(project, 'api', { name: 'api' });
    new NodeService(project, 'worker', { name: 'worker', directory: 'api', dockerfileName: 'Dockerfile.worker', noPort: true, main: 'worker.js', healthCheck: heartbeat });
    const files = synth(project);
    expect(only(stage(parseDockerfile(files['api/Dockerfile']), 'production'), 'CMD').json).toEqual(['node', 'server.js']);
    expect(only(stage(parseDockerfile(files['api/Dockerfile.worker']), 'production'), 'CMD').json).toEqual(['node', 'worker.js']);
    const ignore = files['api/.dockerignore'].split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['Dockerfile', 'Dockerfile.worker', 'node_modules', '.dockerignore']));
    expect(ignore.filter((l) => l === 'node_modules')).toHaveLength(1);
  });

  test('the same Dockerfile path names the other container and the fix', () => {
    const project = newProject();
    new NodeService(project, 'api', { name: 'api' });
    expect(errorOf(() => new NodeService(project, 'worker', { name: 'worker', directory: 'api', noPort: true, healthCheck: heartbeat }))).toBe(
      'worker.dockerfileName: must be a path no other container writes: api already writes api/Dockerfile; two containers built from api/ need their own Dockerfiles: give this one another dockerfileName (e.g. Dockerfile.worker); received "api/Dockerfile"',
    );
    expect(errorOf(() => new NodeService(newProject(), 'w', { dockerfileName: '../Dockerfile' }))).toBe(
      'w.dockerfileName: must be a file name of [A-Za-z0-9._-] (no directory), such as Dockerfile or Dockerfile.worker; received "../Dockerfile"',
    );
  });
});

describe('exec checks', () => {
  const base = BaseImage.debian('python:3.12-slim');
  test.each([
    [['true', ';', 'false'], 1, ';'],
    [['pg_isready', '||', 'exit', '1'], 1, '||'],
    [['a', '&&', 'b'], 1, '&&'],
    [['ls', '|', 'grep', 'x'], 1, '|'],
    [['echo', 'x', '>/tmp/f'], 2, '>/tmp/f'],
    [['cat', '<', 'f'], 1, '<'],
    [['check', '${PORT}'], 1, '${PORT}'],
    [['check', '$PORT'], 1, '$PORT'],
    [['check', '--url=http://x:$(cat /p)'], 1, '--url=http://x:$(cat /p)'],
    [['check', '`id`'], 1, '`id`'],
  ])('%j: refused, word %i, pointing to HealthCheck.shell', (argv, index, word) => {
    const err = errorOf(() => new ContainerService(newProject(), 'svc', { baseImage: base, healthCheck: HealthCheck.exec(argv), command: ['x'] }));
    expect(err).toBe(`svc.healthCheck.command[${index}]: must be an argv word the program receives as it is: an exec check runs without a shell, so operators (||, &&, ;, |, >, <) and expansions ($VAR, \${VAR}, $(...), backticks) would not work; write shell syntax as HealthCheck.shell(script), which runs /bin/sh -c in the final stage; received ${JSON.stringify(word)}`);
  });

  test('words after a shell -c are a script, and plain words pass', () => {
    const project = newProject();
    new ContainerService(project, 'svc', { baseImage: base, healthCheck: HealthCheck.exec(['sh', '-c', 'pg_isready || exit 1']), command: ['x'] });
    new ContainerService(project, 'svc2', { baseImage: base, healthCheck: HealthCheck.exec(['python3', '-c', 'import sys; sys.exit(0)']), command: ['x'] });
    const files = synth(project);
    expect(only(stage(parseDockerfile(files['svc/Dockerfile']), 'production'), 'HEALTHCHECK').json).toEqual(['sh', '-c', 'pg_isready || exit 1']);
    // `;` inside one python -c word is not a shell word.
    expect(only(stage(parseDockerfile(files['svc2/Dockerfile']), 'production'), 'HEALTHCHECK').json).toEqual(['python3', '-c', 'import sys; sys.exit(0)']);
  });

  test('HealthCheck.shell: /bin/sh -c with exit 1 on any failure, in the HEALTHCHECK and the probes', () => {
    const project = newProject();
    new ContainerService(project, 'svc', { baseImage: base, noPort: true, healthCheck: HealthCheck.shell('test -n "$(find /tmp/heartbeat -mmin -1)"'), command: ['x'] });
    const files = synth(project);
    const argv = ['/bin/sh', '-c', '(test -n "$(find /tmp/heartbeat -mmin -1)") || exit 1'];
    expect(only(stage(parseDockerfile(files['svc/Dockerfile']), 'production'), 'HEALTHCHECK').json).toEqual(argv);
    expect(parseSnippet(files['k8s/svc.yaml']).containers[0].livenessProbe.exec.command).toEqual(argv);
  });

  test('HealthCheck.shell is refused on distroless (no shell); a newline in the script is refused', () => {
    expect(errorOf(() => new ContainerService(newProject(), 'svc', {
      baseImage: BaseImage.distroless('gcr.io/distroless/static-debian12:nonroot'), noPort: true, healthCheck: HealthCheck.shell('true'), command: ['/app/x'],
    }))).toBe('svc.healthCheck: must be an exec check without a shell: gcr.io/distroless/static-debian12:nonroot has no /bin/sh for HealthCheck.shell; use HealthCheck.exec([...]) with a program of the image; received "/bin/sh -c (true) || exit 1"');
    expect(errorOf(() => new ContainerService(newProject(), 'svc', { baseImage: base, healthCheck: HealthCheck.shell('a\nb'), command: ['x'] }))).toBe(
      'svc.healthCheck.script: must be a string without control characters (no newline, tab or NUL); received "a\\nb"',
    );
  });

  test('an exec program the final stage lacks is a warning naming it', () => {
    const project = newProject();
    const warn = jest.spyOn(project.logger, 'warn');
    new ContainerService(project, 'svc', { baseImage: base, noPort: true, healthCheck: HealthCheck.exec(['curl', '-f', 'http://127.0.0.1:1/']), command: ['x'] });
    new ContainerService(project, 'ok', { baseImage: base, noPort: true, healthCheck: HealthCheck.exec(['python3', '/app/alive.py']), command: ['x'] });
    synth(project);
    const lines = warn.mock.calls.map((c) => c.join(' '));
    expect(lines).toContain('svc.healthCheck: runs curl, which the final stage (python:3.12-slim) does not have as far as the model knows; install it with systemPackages or declare it in addedTools, or the check always fails');
    expect(lines.filter((l) => l.startsWith('ok.healthCheck'))).toEqual([]);
  });

  test('a shell on a distroless base is refused, for exec checks as for HealthCheck.shell: the check could never pass', () => {
    const distroless = BaseImage.distroless('gcr.io/distroless/static-debian12:nonroot');
    for (const argv of [['sh', '-c', 'true'], ['/bin/sh', '-c', 'test -f /tmp/ok'], ['bash', '-c', 'true']]) {
      const project = newProject();
      expect(errorOf(() => new ContainerService(project, 'static', { baseImage: distroless, noPort: true, healthCheck: HealthCheck.exec(argv), command: ['/app/x'] }))).toBe(
        `static.healthCheck.command[0]: must be a program the image has: gcr.io/distroless/static-debian12:nonroot has no shell, so the check could never pass; copy a check program into the image and run it with HealthCheck.exec(['/app/healthcheck', ...]) (or checkBinary for an HTTP/TCP check), or use a base image with a shell (BaseImage.debian, BaseImage.alpine); received ${JSON.stringify(argv[0].split('/').pop())}`,
      );
      expect(listFiles(project.outdir)).toEqual([]);
    }
    // The readiness check too; a program of the image (the app's own checker) is fine.
    expect(errorOf(() => new ContainerService(newProject(), 'static', {
      baseImage: distroless, noPort: true, healthCheck: HealthCheck.exec(['/app/check']), readinessCheck: HealthCheck.exec(['sh', '-c', 'true']), command: ['/app/x'],
    }))).toMatch(/^static\.readinessCheck\.command\[0\]: must be a program the image has/);
    expect(() => new ContainerService(newProject(), 'static', { baseImage: distroless, noPort: true, healthCheck: HealthCheck.exec(['/app/check']), command: ['/app/x'] })).not.toThrow();
  });
});
