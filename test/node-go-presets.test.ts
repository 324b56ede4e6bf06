import { execFile } from 'child_process';
import * as http from 'http';
import * as net from 'net';
import { AddressInfo } from 'net';
import { BaseImage, CheckTool, ContainerService, GoService, HealthCheck, NodeService } from '../src';
import { lintDockerfile, lintPodFragment } from './lint';
import { dockerfileErrors, errorOf, newProject, only, parseDockerfile, parseSnippet, stage, synth, validatePodFragment } from './util';

function node(options = {}) {
  const project = newProject();
  new NodeService(project, 'api', { name: 'api', ...options });
  const files = synth(project);
  return { files, stages: parseDockerfile(files['api/Dockerfile']), k8s: parseSnippet(files['k8s/api.yaml']) };
}

function go(options = {}) {
  const project = newProject();
  const svc = new GoService(project, 'server', options);
  const files = synth(project);
  return { svc, files, stages: parseDockerfile(files['server/Dockerfile']), k8s: parseSnippet(files['k8s/server.yaml']) };
}

describe('NodeService defaults', () => {
  const { files, stages, k8s } = node();
  const prod = stage(stages, 'production');
  const c = k8s.containers[0];

  test('dependencies stage on node:22-bookworm-slim with npm ci --omit=dev (node_modules made even without dependencies, found by the e2e), final stage on the same image', () => {
    expect(stages.map((s) => `${s.name}<-${s.from}`)).toEqual(['dependencies<-node:22-bookworm-slim', 'production<-node:22-bookworm-slim']);
    expect(only(stage(stages, 'dependencies'), 'RUN').args.join(' ')).toBe('npm ci --omit=dev && mkdir -p node_modules');
  });

  test('runs node server.js as the image account node 1000:1000: no account created, only wget installed for the check', () => {
    expect(only(prod, 'CMD').json).toEqual(['node', 'server.js']);
    expect(only(prod, 'USER').args).toEqual(['1000:1000']);
    expect(only(prod, 'RUN').args.join(' ')).toBe('apt-get update && apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/*');
    expect(only(prod, 'ENV').properties).toEqual({ NODE_ENV: 'production' });
  });

  test('port 3000, HTTP GET /healthz with wget (2-5 ms a check; node fetch costs 94 ms), /readyz for readiness', () => {
    expect(only(prod, 'EXPOSE').args).toEqual(['3000/tcp']);
    const hc = only(prod, 'HEALTHCHECK');
    expect(hc.json).toEqual(['/bin/sh', '-c', 'wget -q -O /dev/null -T 10 http://127.0.0.1:3000/healthz || exit 1']);
    expect(hc.flags).toEqual({ 'interval': '30s', 'timeout': '10s', 'start-period': '10s', 'retries': '3' });
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    expect(c.startupProbe).toMatchObject({ periodSeconds: 2, failureThreshold: 6 });
  });

  test('labels default to the container name and Node.js HTTP service', () => {
    expect(only(prod, 'LABEL').properties['org.opencontainers.image.title']).toBe('api');
    expect(only(prod, 'LABEL').properties['org.opencontainers.image.description']).toBe('Node.js HTTP service');
  });

  test('passes the linter rules, dockerfile-utils and the Kubernetes schema', () => {
    expect(lintDockerfile(files['api/Dockerfile'])).toEqual([]);
    expect(dockerfileErrors(files['api/Dockerfile'])).toEqual([]);
    expect(lintPodFragment(k8s)).toEqual([]);
    expect(() => validatePodFragment(k8s)).not.toThrow();
  });
});

describe('NodeService variants', () => {
  test('buildCommands add a build stage and copy only its output', () => {
    const { stages } = node({ buildCommands: ['npm run build'] });
    expect(stages.map((s) => s.name)).toEqual(['dependencies', 'build', 'production']);
    const copies = stage(stages, 'production').instructions.filter((i) => i.keyword === 'COPY').map((i) => [i.flags.from ?? null, ...i.args]);
    expect(copies).toEqual([
      ['dependencies', '/app/node_modules', './node_modules'],
      [null, 'package.json', 'package-lock.json', './'],
      ['build', '/app/dist', './dist'],
    ]);
  });

  test('on distroless nodejs: ENTRYPOINT /nodejs/bin/node, the check runs /nodejs/bin/node, user nonroot, no RUN', () => {
    const { files, stages, k8s } = node({ runtimeImage: 'gcr.io/distroless/nodejs22-debian12:nonroot' });
    const prod = stage(stages, 'production');
    expect(only(prod, 'ENTRYPOINT').json).toEqual(['/nodejs/bin/node']);
    expect(only(prod, 'CMD').json).toEqual(['server.js']);
    expect(only(prod, 'HEALTHCHECK').json?.[0]).toBe('/nodejs/bin/node');
    expect(only(prod, 'USER').args).toEqual(['65532:65532']);
    expect(prod.instructions.filter((i) => i.keyword === 'RUN')).toEqual([]);
    expect(k8s.containers[0].securityContext.runAsUser).toBe(65532);
    expect(lintDockerfile(files['api/Dockerfile'])).toEqual([]);
  });

  test('on Alpine: BusyBox wget is already there, nothing installed', () => {
    const { stages } = node({ runtimeImage: 'node:22-alpine' });
    const prod = stage(stages, 'production');
    expect(only(prod, 'HEALTHCHECK').json?.[2]).toMatch(/^wget -q -O \/dev\/null -T 10 /);
    expect(prod.instructions.filter((i) => i.keyword === 'RUN')).toEqual([]);
  });

  test('checkTool NODE runs node fetch and installs nothing', () => {
    const { stages } = node({ checkTool: CheckTool.NODE });
    const prod = stage(stages, 'production');
    expect(only(prod, 'HEALTHCHECK').json?.slice(0, 2)).toEqual(['node', '-e']);
    expect(only(prod, 'HEALTHCHECK').json?.[2]).toContain('fetch("http://127.0.0.1:3000/healthz"');
    expect(prod.instructions.filter((i) => i.keyword === 'RUN')).toEqual([]);
  });
});

describe('GoService defaults', () => {
  const { svc, files, stages, k8s } = go();
  const prod = stage(stages, 'production');

  test('golang build stage, distroless static nonroot final stage holding only the two binaries', () => {
    expect(stages.map((s) => `${s.name}<-${s.from}`)).toEqual(['build<-golang:1.23-bookworm', 'production<-gcr.io/distroless/static-debian12:nonroot']);
    expect(stage(stages, 'build').instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args.join(' '))).toEqual([
      'go mod download',
      'go build -trimpath -ldflags="-s -w" -o /out/server . && go build -trimpath -ldflags="-s -w" -o /out/healthcheck ./cmd/healthcheck',
    ]);
    expect(prod.instructions.map((i) => i.keyword)).toEqual(['FROM', 'LABEL', 'COPY', 'COPY', 'USER', 'EXPOSE', 'HEALTHCHECK', 'CMD']);
  });

  test('the health-check program runs the check: [/app/healthcheck, url, timeout]; user 65532:65532', () => {
    expect(only(prod, 'HEALTHCHECK').json).toEqual(['/app/healthcheck', 'http://127.0.0.1:8080/healthz', '10']);
    expect(only(prod, 'USER').args).toEqual(['65532:65532']);
    expect(svc.uid).toBe(65532);
    expect(k8s.containers[0].livenessProbe.httpGet.path).toBe('/healthz');
  });

  test('writes the program source: package main, standard library only, exits 0 or 1', () => {
    const src = files['server/cmd/healthcheck/main.go'];
    expect(src).toMatch(/^\/\/ ~~ Generated by projen/);
    expect(src).toContain('package main');
    const imports = src.slice(src.indexOf('import ('), src.indexOf(')', src.indexOf('import ('))).match(/"[^"]+"/g);
    expect(imports).toEqual(['"net"', '"net/http"', '"os"', '"strconv"', '"strings"', '"time"']);
    expect(src.match(/os\.Exit\((\d)\)/g)?.map((e) => e.slice(8, 9)).sort()).toEqual(expect.arrayContaining(['0', '1']));
    expect(src).not.toMatch(/os\.Exit\(2\)/);
  });

  test('passes the linter rules, dockerfile-utils and the Kubernetes schema', () => {
    expect(lintDockerfile(files['server/Dockerfile'])).toEqual([]);
    expect(dockerfileErrors(files['server/Dockerfile'])).toEqual([]);
    expect(lintPodFragment(k8s)).toEqual([]);
    expect(() => validatePodFragment(k8s)).not.toThrow();
  });

  test('healthcheckProgram false needs another way to check; a distroless image has none', () => {
    const project = newProject();
    expect(errorOf(() => new GoService(project, 'server', { healthcheckProgram: false }))).toMatch(/^server\.checkBinary: must be a health-check program in the image/);
    const own = go({ healthcheckProgram: false, checkBinary: '/app/server', healthCheck: HealthCheck.httpGet({ path: '/healthz' }) });
    expect(only(stage(own.stages, 'production'), 'HEALTHCHECK').json).toEqual(['/app/server', 'http://127.0.0.1:8080/healthz', '10']);
    expect(own.files['server/cmd/healthcheck/main.go']).toBeUndefined();
  });

  test('mainPackage is checked', () => {
    expect(errorOf(() => new GoService(newProject(), 'server', { mainPackage: '../x' }))).toBe(
      'server.mainPackage: must be a package path like . or ./cmd/server; received "../x"',
    );
  });
});

/** Runs an argv and resolves with its exit status (never rejects). */
function run(argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    execFile(cmd === 'node' ? process.execPath : cmd, args, { timeout: 20_000 }, (err) => resolve(err ? ((err as any).code ?? 99) : 0));
  });
}

/** The HEALTHCHECK argv the model writes for a service on `port` with `tool` and `check`. */
function checkArgv(port: number, tool: CheckTool, base: BaseImage, check = HealthCheck.httpGet({ path: '/healthz' })): string[] {
  const project = newProject();
  new ContainerService(project, 'svc', { baseImage: base, command: ['x'], port, checkTool: tool, healthCheck: check, addedTools: [tool], timing: {} });
  return only(stage(parseDockerfile(synth(project)['svc/Dockerfile']), 'production'), 'HEALTHCHECK').json!;
}

describe('the emitted check commands, run for real against a loopback server', () => {
  let server: http.Server;
  let port = 0;
  let status = 200;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? status : 404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const closedPort = async () => {
    const s = net.createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const p = (s.address() as AddressInfo).port;
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return p;
  };

  for (const [tool, base] of [[CheckTool.NODE, BaseImage.debian('node:22-bookworm-slim')], [CheckTool.PYTHON, BaseImage.debian('python:3.12-slim')]] as const) {
    test(`${tool}: exit 0 on 200, 1 on 500 and 1 when nothing listens (never 2)`, async () => {
      status = 200;
      expect(await run(checkArgv(port, tool, base))).toBe(0);
      status = 500;
      expect(await run(checkArgv(port, tool, base))).toBe(1);
      status = 200;
      expect(await run(checkArgv(await closedPort(), tool, base))).toBe(1);
    }, 60_000);

    test(`${tool}: TCP check exits 0 on an open port and 1 on a closed one`, async () => {
      expect(await run(checkArgv(port, tool, base, HealthCheck.tcpSocket()))).toBe(0);
      expect(await run(checkArgv(await closedPort(), tool, base, HealthCheck.tcpSocket()))).toBe(1);
    }, 60_000);
  }
});
