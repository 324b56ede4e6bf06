// Adoption of containers that listen below 1024 (lowPortSysctl), and of Compose `expose:` entries.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { adoptedDiffs as differences, adoptFixture as adopt, roundTripFixtures as fixtures, unlisted } from './adopt-util';
import { BaseImage, ContainerService, HealthCheck } from '../../src';
import { check } from '../../src/check/_check';
import { adoptAll, renderFragment } from '../../src/check/adopt';
import { readManifestText } from '../../src/check/read';
import { newProject } from '../util';
const SYSCTL = 'net.ipv4.ip_unprivileged_port_start';

describe('adoption of a container that listens below 1024: the port kept, bound through the pod sysctl', () => {
  test('an ASP.NET-like Compose service on 80: port 80 and lowPortSysctl, the sysctl named, 0 unlisted', () => {
    const [api, ...rest] = adopt('low-port-aspnet');
    expect(rest).toEqual([]);
    expect(api.code).toContain('  port: 80,\n');
    expect(api.code).toContain('  lowPortSysctl: true,\n');
    const d = differences(api);
    // The port as the app has it, carried; the pod sysctl it did not set, named in the fragment.
    expect(api.roundTrip!.carried).toContain('port 80');
    expect(d[`sysctl ${SYSCTL}`]).toBe('named (none) -> 80');
    expect(renderFragment([api])).toContain(`// changes: sysctl ${SYSCTL}: (none) -> 80 (lowPortSysctl: the non-root process binds port 80 through this namespaced pod sysctl; no capability, not root)`);
    // Still non-root, every capability dropped.
    expect(d.user).toBe('hardening (none) -> 1000');
    expect(d['securityContext.capabilities.drop']).toBe('hardening (none) -> ALL');
    expect(unlisted(d)).toEqual([]);
  }, 120_000);

  test('nginx on 80 in a Deployment that adds NET_BIND_SERVICE: the capability dropped and named with why, the sysctl instead; 0 unlisted', () => {
    const [web, ...rest] = adopt('low-port-nginx');
    expect(rest).toEqual([]);
    expect(web.code).toContain('new StaticFrontend(project, "web", {');
    expect(web.code).toContain('  port: 80,\n');
    expect(web.code).toContain('  lowPortSysctl: true,\n');
    const d = differences(web);
    expect(web.roundTrip!.carried).toEqual(expect.arrayContaining(['port 80', 'livenessProbe.port', 'readinessProbe.port']));
    expect(d['securityContext.capabilities.add']).toBe('named NET_BIND_SERVICE -> (none)');
    expect(renderFragment([web])).toContain(`// changes: securityContext.capabilities.add: NET_BIND_SERVICE -> (none) (capabilities.drop: [ALL]; the port below 1024 is bound through the sysctl ${SYSCTL} (lowPortSysctl) instead)`);
    expect(d[`sysctl ${SYSCTL}`]).toBe('named (none) -> 80');
    expect(unlisted(d)).toEqual([]);
  }, 120_000);

  test('a pod that already sets the sysctl at the port: carried, nothing named', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-lowport-'));
    try {
      fs.cpSync(path.join(fixtures, 'low-port-nginx'), dir, { recursive: true });
      const file = path.join(dir, 'k8s', 'deployment.yaml');
      const text = fs.readFileSync(file, 'utf8')
        .replace('      containers:\n', `      securityContext:\n        sysctls:\n          - name: ${SYSCTL}\n            value: "80"\n      containers:\n`)
        .replace('          securityContext:\n            capabilities:\n              add: ["NET_BIND_SERVICE"]\n', '');
      fs.writeFileSync(file, text);
      expect(readManifestText(text, 'k8s/deployment.yaml').containers[0].sysctls?.value).toEqual({ [SYSCTL]: '80' });
      const result = check({ paths: ['.'], cwd: dir });
      const [web] = adoptAll(result.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), dir, { roundTrip: true });
      const d = differences(web);
      expect(web.roundTrip!.carried).toContain(`sysctl ${SYSCTL}`);
      expect(renderFragment([web])).not.toContain(`// changes: sysctl ${SYSCTL}`);
      expect(unlisted(d)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('a capabilities.add the constructs drop, on ports from 1024', () => {
  test('NET_BIND_SERVICE on a container serving 8080 (the kubernetes-ingress shape): named with why, no sysctl; 0 unlisted', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-lowport-'));
    try {
      fs.cpSync(path.join(fixtures, 'low-port-nginx'), dir, { recursive: true });
      const file = path.join(dir, 'k8s', 'deployment.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('containerPort: 80', 'containerPort: 8080'));
      fs.writeFileSync(path.join(dir, 'web', 'Dockerfile'), fs.readFileSync(path.join(dir, 'web', 'Dockerfile'), 'utf8').replace('EXPOSE 80', 'EXPOSE 8080'));
      const result = check({ paths: ['.'], cwd: dir });
      const [web] = adoptAll(result.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), dir, { roundTrip: true });
      expect(web.code).not.toContain('lowPortSysctl');
      const d = differences(web);
      expect(d['securityContext.capabilities.add']).toBe('named NET_BIND_SERVICE -> (none)');
      expect(renderFragment([web])).toContain('// changes: securityContext.capabilities.add: NET_BIND_SERVICE -> (none) (capabilities.drop: [ALL]; every port is from 1024, nothing needs NET_BIND_SERVICE)');
      expect(d[`sysctl ${SYSCTL}`]).toBeUndefined();
      expect(unlisted(d)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('Compose `expose:` compared as Compose\'s own declaration', () => {
  test('an expose: entry the image does not EXPOSE: carried as expose <port> (the generated EXPOSE documents it); 0 unlisted', () => {
    const [web] = adopt('compose-expose');
    expect(web.code).toContain('  additionalPorts: [{ name: "port-9090", containerPort: 9090 }],');
    const d = differences(web);
    expect(web.roundTrip!.carried).toEqual(expect.arrayContaining(['port 9090', 'expose 9090', 'port 8000', 'publish 8000']));
    expect(d['port 9090']).toBeUndefined();
    expect(unlisted(d)).toEqual([]);
  }, 120_000);
});

describe('StaticFrontend adopted from a chain of build stages', () => {
  test('development -> build -> nginx: the one build stage StaticFrontend writes is named (build stages), 0 unlisted', () => {
    const [web] = adopt('static-stage-chain');
    expect(web.code).toContain('new StaticFrontend(project, "frontend", {');
    const d = differences(web);
    expect(d['build stages']).toBe('named node:20.11, node:20.11 -> node:20.11');
    expect(renderFragment([web])).toContain('// changes: build stages: node:20.11, node:20.11 -> node:20.11 (StaticFrontend\'s one build stage)');
    expect(unlisted(d)).toEqual([]);
  }, 120_000);
});

describe('the checker on files generated with lowPortSysctl', () => {
  test('the Dockerfile and snippet of a container on 80: paired, the sysctl read, no finding', () => {
    const project = newProject();
    new ContainerService(project, 'api', {
      baseImage: BaseImage.debian('mcr.microsoft.com/dotnet/aspnet:8.0'),
      command: ['dotnet', 'Api.dll'],
      port: 80,
      lowPortSysctl: true,
      healthCheck: HealthCheck.httpGet({ path: '/healthz' }),
      readinessCheck: HealthCheck.httpGet({ path: '/ready' }),
    });
    project.synth();
    fs.mkdirSync(path.join(project.outdir, 'api'), { recursive: true });
    fs.writeFileSync(path.join(project.outdir, 'api', 'Api.dll'), '');
    const r = check({ paths: ['.'], cwd: project.outdir });
    const pair = r.pairs.find((p) => p.container.name === 'api');
    expect(pair?.image?.file).toBe('api/Dockerfile');
    expect(pair!.container.ports.map((p) => p.containerPort)).toEqual([80]);
    expect(pair!.container.sysctls?.value).toEqual({ [SYSCTL]: '80' });
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  }, 60_000);
});
