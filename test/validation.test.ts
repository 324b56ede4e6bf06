import * as path from 'path';
import { Duration, FastApiBackend, FastApiBackendOptions, HealthCheck, StaticFrontend, StaticFrontendOptions } from '../src';
import { errorOf, listFiles, newProject } from './util';

/** Builds the backend with `options` in a fresh project, synthesizes, and returns the error and what was written. */
function backendError(options: FastApiBackendOptions): { message: string; written: string[] } {
  const project = newProject();
  const message = errorOf(() => {
    new FastApiBackend(project, 'backend', options);
    project.synth();
  });
  return { message, written: listFiles(project.outdir) };
}

function frontendError(options: StaticFrontendOptions): string {
  const project = newProject();
  return errorOf(() => {
    new StaticFrontend(project, 'frontend', options);
    project.synth();
  });
}

describe('bad input fails with `<path>.<field>: must be ...; received <value>` and writes nothing', () => {
  test.each([
    ['zero interval', { timing: { interval: Duration.seconds(0) } }, 'backend.timing.interval: must be a positive duration; received "0s"'],
    ['negative timeout', { timing: { timeout: Duration.seconds(-5) } }, 'backend.timing.timeout: must be a positive duration; received "-5s"'],
    ['zero start period', { timing: { startPeriod: Duration.millis(0) } }, 'backend.timing.startPeriod: must be a positive duration; received "0ms"'],
    ['fractional seconds', { timing: { interval: Duration.millis(1500) } }, 'backend.timing.interval: must be a whole number of seconds (Kubernetes probes take whole seconds); received "1500ms"'],
    ['timeout above interval', { timing: { interval: Duration.seconds(5), timeout: Duration.seconds(6) } }, 'backend.timing.timeout: must be at most the interval (5s); received "6s"'],
    ['start interval above interval, --start-interval written', { dockerStartInterval: true, timing: { interval: Duration.seconds(5), timeout: Duration.seconds(5), startInterval: Duration.seconds(6) } }, 'backend.timing.startInterval: must be at most the interval (5s) when Docker\'s --start-interval is written (dockerStartInterval); lower startInterval, or leave dockerStartInterval off (the startupProbe has no such rule); received "6s"'],
    ['retries 0', { timing: { retries: 0 } }, 'backend.timing.retries: must be an integer from 1 to 1000; received 0'],
    ['path without /', { healthCheck: HealthCheck.httpGet({ path: 'api/v1/health' }) }, 'backend.healthCheck.path: must be an HTTP path starting with \'/\' made of RFC 3986 path and query characters; received "api/v1/health"'],
    ['path with a space', { readinessCheck: HealthCheck.httpGet({ path: '/a b' }) }, 'backend.readinessCheck.path: must be an HTTP path'],
    ['port 0', { port: 0 }, 'backend.port: must be an integer from 1 to 65535; received 0'],
    ['port 70000', { port: 70000 }, 'backend.port: must be an integer from 1 to 65535; received 70000'],
    ['privileged port', { port: 80 }, 'backend.port: must be from 1024 to 65535'],
    ['check on another port', { healthCheck: HealthCheck.httpGet({ port: 9000 }) }, "backend.healthCheck.port: must be the container's port 8000"],
    ['uid 0', { user: { uid: 0 } }, 'backend.user.uid: must be a non-root id (1 to 2147483647; 0 is root); received 0'],
    ['gid 0', { user: { gid: 0 } }, 'backend.user.gid: must be a non-root id'],
    ['user root', { user: { name: 'root' } }, 'backend.user.name: must be a non-root POSIX account name'],
    ['user name with a space', { user: { name: 'app user' } }, 'backend.user.name: must be a non-root POSIX account name matching /^[a-z_][a-z0-9_-]{0,31}$/; received "app user"'],
    ['image :latest', { baseImage: 'python:latest' }, 'backend.baseImage: must be an image reference pinned by a tag other than \'latest\' or by an @sha256 digest; received "python:latest"'],
    ['untagged image', { uvImage: 'ghcr.io/astral-sh/uv' }, 'backend.uvImage: must be an image reference pinned'],
    ['label key upper case', { labels: { extra: { 'Com.Example': 'x' } } }, 'backend.labels.extra: must be a label key of [0-9a-z._/-]'],
    ['label value with newline', { labels: { title: 'a\nb' } }, 'backend.labels.title: must be a string without control characters'],
    ['label value starting with a quote', { labels: { title: "'quoted' title" } }, 'backend.labels.title: must be a value that does not start with a quote character; received "\'quoted\' title"'],
    ['install command with a newline', { installCommands: ['uv sync\nrm -rf /'] }, 'backend.installCommands[0]: must be a string without control characters'],
    ['install command continuing into the next line', { installCommands: ['uv sync \\'] }, 'backend.installCommands[0]: must be a line that does not end with a backslash (it would swallow the next line); received "uv sync \\\\"'],
    ['no dev install command', { devInstallCommands: [] }, 'backend.devInstallCommands: must be a non-empty array of commands; received []'],
    ['header with newline', { healthCheck: HealthCheck.httpGet({ headers: { 'X-A': 'a\r\nB: c' } }) }, 'backend.healthCheck.headers.X-A: must be an HTTP header value'],
    ['header name with colon', { healthCheck: HealthCheck.httpGet({ headers: { 'X:A': 'a' } }) }, 'backend.healthCheck.headers: must be an HTTP header name of letters, digits and \'-\' only (the Kubernetes API server refuses any other character in a probe\'s header name; write "X-A"); received "X:A"'],
    // An RFC 7230 token the API server refuses (`a valid HTTP header must consist of alphanumeric characters or '-'`).
    ['header name with an underscore', { healthCheck: HealthCheck.httpGet({ headers: { X_Api_Key: 'k1' } }) }, 'backend.healthCheck.headers: must be an HTTP header name of letters, digits and \'-\' only (the Kubernetes API server refuses any other character in a probe\'s header name; write "X-Api-Key"); received "X_Api_Key"'],
    ['readiness header name with a dot', { readinessCheck: HealthCheck.httpGet({ path: '/ready', headers: { 'X.Trace': '1' } }) }, 'backend.readinessCheck.headers: must be an HTTP header name of letters, digits and \'-\' only (the Kubernetes API server refuses any other character in a probe\'s header name; write "X-Trace"); received "X.Trace"'],
    ['header name of token punctuation only', { healthCheck: HealthCheck.httpGet({ headers: { '~': '1' } }) }, 'backend.healthCheck.headers: must be an HTTP header name of letters, digits and \'-\' only (the Kubernetes API server refuses any other character in a probe\'s header name); received "~"'],
    ['host with a shell character', { healthCheck: HealthCheck.httpGet({ host: '127.0.0.1;id' }) }, 'backend.healthCheck.host: must be an IPv4 address or a lowercase DNS name; received "127.0.0.1;id"'],
    ['empty exec argv', { healthCheck: HealthCheck.exec([]) }, 'backend.healthCheck.command: must be a non-empty argv array; received []'],
    ['tcp check with curl', { healthCheck: HealthCheck.tcpSocket() }, 'backend.checkTool: must be a tool that can run a tcpSocket check'],
    ['package with a shell character', { systemPackages: ['curl;rm -rf /'] }, 'backend.systemPackages[0]: must be a package name'],
    ['app module with a space', { appModule: 'app.main:app --reload' }, 'backend.appModule: must be a <module>:<attribute>'],
    ['workers 0', { workers: 0 }, 'backend.workers: must be an integer from 1 to 256; received 0'],
    ['python version', { pythonVersion: '3' }, 'backend.pythonVersion: must be a version like 3.12 or 3.12.7; received "3"'],
    ['port name too long', { portName: 'a-very-long-port-name' }, 'backend.portName: must be a Kubernetes port name'],
    ['container name upper case', { name: 'Backend' }, 'backend.name: must be an RFC 1123 DNS label'],
    ['writable path relative', { writablePaths: ['tmp'] }, 'backend.writablePaths[0]: must be a normalized absolute path'],
    ['writable path with a trailing slash', { writablePaths: ['/tmp/'] }, 'backend.writablePaths[0]: must be a normalized absolute path'],
    ['writable path /.', { writablePaths: ['/.'] }, 'backend.writablePaths[0]: must be a normalized absolute path'],
    ['writable path /', { writablePaths: ['/'] }, 'backend.writablePaths[0]: must be a directory other than /; received "/"'],
    ['writable path over /etc', { writablePaths: ['/etc'] }, 'backend.writablePaths[0]: must be a path that does not mount an empty directory over /etc'],
    ['writable path over the app', { writablePaths: ['/app/data'] }, 'backend.writablePaths[0]: must be a path that does not mount an empty directory over /app'],
    ['writable path above the system', { writablePaths: ['/usr/local'] }, 'backend.writablePaths[0]: must be a path that does not mount an empty directory over /usr'],
    ['kubernetes file not yaml', { kubernetesFile: 'src/index.ts' }, 'backend.kubernetesFile: must be a path ending in .yaml or .yml; received "src/index.ts"'],
    ['directory in .git', { directory: '.git' }, 'backend.directory: must be a relative path'],
    ['empty header value', { healthCheck: HealthCheck.httpGet({ headers: { 'X-E': '' } }) }, 'backend.healthCheck.headers.X-E: must be an HTTP header value of 1-4096'],
    ['host localhost', { healthCheck: HealthCheck.httpGet({ host: 'localhost' }) }, 'backend.healthCheck.host: must be an address other than localhost'],
    ['no dependency files', { dependencyFiles: [] }, 'backend.dependencyFiles: must be a non-empty array of files; received []'],
    ['a 5000-character label', { labels: { title: 'x'.repeat(5000) } }, 'backend.labels.title: must be at most 4096 characters'],
    ['directory with .. after a folder name', { directory: 'app/../../outside' }, 'backend.directory: must be a relative path'],
    ['labels created not RFC 3339', { labels: { created: 'yesterday' } }, 'backend.labels.created: must be an RFC 3339 date-time'],
  ] as Array<[string, FastApiBackendOptions, string]>)('%s', (_name, options, expected) => {
    const { message, written } = backendError(options);
    expect(message).toContain(expected);
    expect(message).toMatch(/^backend\.[A-Za-z.[\]0-9-]+: must be .+; received .+$/s);
    expect(written).toEqual([]);
  });

  test('the frontend refuses a python check tool and a readiness path nginx cannot hold', () => {
    expect(frontendError({ checkTool: 'python3' as any })).toBe(
      'frontend.checkTool: must be a tool the final stage has (wget) or can install (curl, wget); declare tools your own instructions add in addedTools; received "python3"',
    );
    expect(frontendError({ readinessCheck: HealthCheck.httpGet({ path: "/ready';" }) })).toContain('frontend.readinessCheck.path: must be a path of [A-Za-z0-9._~/-]');
    expect(frontendError({ healthCheck: HealthCheck.httpGet({ path: '/live$' }) })).toContain('frontend.healthCheck.path: must be a path of [A-Za-z0-9._~/-]');
    expect(frontendError({ writablePaths: [] })).toBe('frontend.writablePaths: must be at least one path (nginx writes its pid and temp files to the first); received []');
    expect(frontendError({ writablePaths: ['/usr/share/nginx/html'] })).toContain('frontend.writablePaths[0]: must be a path that does not mount an empty directory over /usr');
    expect(frontendError({ distDir: '.' })).toContain('frontend.distDir: must be a relative path');
  });

  test('an error in one container stops the other container\'s files too', () => {
    const project = newProject();
    new StaticFrontend(project, 'frontend');
    const message = errorOf(() => {
      new FastApiBackend(project, 'backend', { port: 99999 });
      project.synth();
    });
    expect(message).toBe('backend.port: must be an integer from 1 to 65535; received 99999');
    expect(listFiles(project.outdir)).toEqual([]);
  });

  test('a construct nested in a component is named by its full path', () => {
    const project = newProject();
    expect(errorOf(() => new FastApiBackend(project, 'api', { port: 1 }))).toBe(
      'api.port: must be from 1024 to 65535 (a non-root process cannot bind below 1024; Trivy KSV-0117), or set lowPortSysctl: true to keep the app\'s port (the pod sysctl net.ipv4.ip_unprivileged_port_start lets the non-root process bind it); received 1',
    );
    expect(path.basename(project.outdir)).toMatch(/^pc-test-/);
  });
});

describe('two containers may not write the same files', () => {
  test('the same name (so the same directory and Kubernetes file)', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend');
    expect(errorOf(() => new FastApiBackend(project, 'backend2', { name: 'backend' }))).toBe(
      'backend2.dockerfileName: must be a path no other container writes: backend already writes backend/Dockerfile; two containers built from backend/ need their own Dockerfiles: give this one another dockerfileName (e.g. Dockerfile.backend); received "backend/Dockerfile"',
    );
  });

  test('the same Kubernetes file', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend', { kubernetesFile: 'k8s/probes.yaml' });
    expect(errorOf(() => new StaticFrontend(project, 'frontend', { kubernetesFile: 'k8s/probes.yaml' }))).toBe(
      'frontend.kubernetesFile: must be a path no other container writes: backend already writes k8s/probes.yaml; give this container its own kubernetesFile (k8s/<name>.yaml by default, so two containers of one name clash); received "k8s/probes.yaml"',
    );
  });
});
