import { BaseImage, ContainerService, FastApiBackend, GoService, HealthCheck, NodeService } from '../src';
import { errorOf, listFiles, newProject, only, parseDockerfile, stage, synth } from './util';
import { bindWords, isLoopback, loopbackOnlyBind } from '../src/container/_bind';

const python = BaseImage.debian('python:3.12-slim');
const FIX = 'bind 0.0.0.0, or :: for IPv6 (with ipv6: true)';

describe('a command that binds only loopback is refused when the kubelet probes over the network', () => {
  test.each([
    ['uvicorn --host 127.0.0.1', ['uvicorn', 'app.main:app', '--host', '127.0.0.1', '--port', '8080'], 'command[3]', '127.0.0.1', '"127.0.0.1"'],
    ['uvicorn --host=localhost', ['uvicorn', 'app.main:app', '--host=localhost', '--port', '8080'], 'command[2]', 'localhost', '"--host=localhost"'],
    ['gunicorn -b 127.0.0.1:8080', ['gunicorn', '-b', '127.0.0.1:8080', 'app:app'], 'command[2]', '127.0.0.1', '"127.0.0.1:8080"'],
    ['gunicorn --bind [::1]:8080', ['gunicorn', '--bind', '[::1]:8080', 'app:app'], 'command[2]', '::1', '"[::1]:8080"'],
    ['hypercorn --bind=::1', ['hypercorn', '--bind=::1', 'app:app'], 'command[1]', '::1', '"--bind=::1"'],
    ['a shell script', ['sh', '-c', 'exec uvicorn app:app --host 127.0.0.1 --port 8080'], 'command[2]', '127.0.0.1', '"127.0.0.1"'],
  ])('%s', (_name, command, field, host, received) => {
    const project = newProject();
    expect(errorOf(() => new ContainerService(project, 'api', { baseImage: python, command }))).toBe(
      `api.${field}: must be an address the kubelet's probes reach: ${host} is loopback, which only the container itself reaches (the Docker HEALTHCHECK passes; the httpGet, tcpSocket and grpc probes go to the pod IP and fail, so Kubernetes restarts the container forever); ${FIX}; received ${received}`,
    );
    expect(listFiles(project.outdir)).toEqual([]);
  });

  test('ENTRYPOINT and CMD are one argv; tcpSocket and grpc checks too; the presets\' own command', () => {
    expect(errorOf(() => new ContainerService(newProject(), 'api', { baseImage: python, entrypoint: ['uvicorn', '--host'], command: ['127.0.0.1', 'app:app'] }))).toMatch(/^api\.command\[0\]: must be an address the kubelet's probes reach: 127\.0\.0\.1 is loopback/);
    expect(errorOf(() => new ContainerService(newProject(), 'api', { baseImage: python, healthCheck: HealthCheck.tcpSocket(), readinessCheck: HealthCheck.tcpSocket(), command: ['srv', '--listen', 'localhost:8080'] }))).toMatch(/^api\.command\[2\]: must be an address/);
    expect(errorOf(() => new NodeService(newProject(), 'api', { command: ['npx', 'fastify', 'start', '-a', '127.0.0.1', 'app.js'] }))).toMatch(/^api\.command\[4\]: must be an address the kubelet's probes reach: 127\.0\.0\.1 is loopback/);
    expect(errorOf(() => new GoService(newProject(), 'server', { command: ['/app/server', '--addr=127.0.0.1:8080'] }))).toMatch(/^server\.command\[1\]: must be an address/);
  });

  test('not refused: wildcard and pod addresses, a loopback bind beside a wildcard one, variables, exec checks only, substrings', () => {
    const ok = (command: string[], extra = {}) => expect(() => new ContainerService(newProject(), 'api', { baseImage: python, command, ...extra })).not.toThrow();
    ok(['uvicorn', 'app:app', '--host', '0.0.0.0']);
    ok(['uvicorn', 'app:app', '--host', '::']);
    ok(['gunicorn', '-b', '127.0.0.1:9000', '-b', '0.0.0.0:8080', 'app:app']);
    ok(['uvicorn', 'app:app', '--host', '$HOST']);
    // Words, not substrings: a path or a value that merely contains 127.0.0.1 binds nothing.
    ok(['app', '--upstream', 'http://127.0.0.1:9000', '--config', '/etc/127.0.0.1.conf']);
    // A worker checked by a command inside the container: no probe goes over the network.
    ok(['worker', '--host', '127.0.0.1'], { noPort: true, healthCheck: HealthCheck.exec(['/app/alive']) });
  });

  test('the argv reader', () => {
    expect(bindWords(['x', '-H', '127.0.0.1', '--port', '3000'])).toEqual([{ index: 2, word: '127.0.0.1', host: '127.0.0.1' }]);
    expect(bindWords(['php', '-S', 'localhost:8000'])).toEqual([{ index: 2, word: 'localhost:8000', host: 'localhost' }]);
    expect(bindWords(['gunicorn', '-b', 'unix:/tmp/app.sock'])).toEqual([]);
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '0:0:0:0:0:0:0:1'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.com'].some(isLoopback)).toBe(false);
    expect(loopbackOnlyBind(['next', 'start', '--hostname', 'localhost'])?.host).toBe('localhost');
  });
});

describe('ipv6: the server binds :: (dual-stack)', () => {
  test('FastApiBackend: uvicorn --host :: in production and development; the HEALTHCHECK keeps 127.0.0.1', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend', { ipv6: true });
    const stages = parseDockerfile(synth(project)['backend/Dockerfile']);
    const cmd = only(stage(stages, 'production'), 'CMD');
    expect(cmd.json).toEqual(['uvicorn', 'app.main:app', '--host', '::', '--port', '8000', '--workers', '4']);
    expect(cmd.comment).toContain('on [::]:8000 with 4 workers');
    expect(only(stage(stages, 'development'), 'CMD').json).toEqual(['uvicorn', 'app.main:app', '--host', '::', '--port', '8000', '--reload']);
    expect(only(stage(stages, 'production'), 'HEALTHCHECK').json!.join(' ')).toContain('http://127.0.0.1:8000/api/v1/health');
  });

  test('the default stays IPv4: --host 0.0.0.0 and no HOST for Node and Go', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend');
    new NodeService(project, 'api');
    new GoService(project, 'server');
    const files = synth(project);
    expect(only(stage(parseDockerfile(files['backend/Dockerfile']), 'production'), 'CMD').json!.slice(2, 4)).toEqual(['--host', '0.0.0.0']);
    expect(files['node/Dockerfile']).not.toMatch(/HOST=/);
    expect(files['server/Dockerfile']).not.toMatch(/HOST=/);
  });

  test('NodeService and GoService: ENV HOST=:: for an app that reads HOST', () => {
    const project = newProject();
    new NodeService(project, 'api', { ipv6: true });
    new GoService(project, 'server', { ipv6: true });
    const files = synth(project);
    for (const f of ['node/Dockerfile', 'server/Dockerfile']) {
      const envs = stage(parseDockerfile(files[f]), 'production').instructions.filter((i) => i.keyword === 'ENV');
      expect(envs.map((e) => e.properties.HOST).filter((h) => h !== undefined)).toEqual(['::']);
    }
  });

  test('a command of your own may bind :: ; ipv6 with noPort or of another type is refused', () => {
    expect(() => new ContainerService(newProject(), 'api', { baseImage: python, ipv6: true, command: ['gunicorn', '--bind', '[::]:8080', 'app:app'] })).not.toThrow();
    expect(errorOf(() => new ContainerService(newProject(), 'w', { baseImage: python, noPort: true, ipv6: true, healthCheck: HealthCheck.exec(['/app/alive']), command: ['x'] }))).toBe(
      'w.ipv6: must be unset when noPort is true (a service without a port binds no address); received true',
    );
    expect(errorOf(() => new NodeService(newProject(), 'api', { ipv6: 'yes' as any }))).toBe('api.ipv6: must be a boolean; received "yes"');
  });
});
