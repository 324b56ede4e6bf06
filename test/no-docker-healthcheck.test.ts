// noDockerHealthcheck: an image only the kubelet's probes check (a shell-less base with no check program).
import * as YAML from 'yaml';
import {
  AlignmentReport, BaseImage, CheckTool, ComposeFile, ContainerService, ContainerServiceProps, EcsHealthCheck, GoService, HealthCheck, StaticFrontend,
} from '../src';
import { lintDockerfile, lintPodFragment } from './lint';
import { composeErrors } from './outputs-util';
import { dockerfileErrors, errorOf, newProject, parseSnippet, synth } from './util';

const DISTROLESS = 'gcr.io/distroless/static-debian12:nonroot';

function props(extra: Partial<ContainerServiceProps> = {}): ContainerServiceProps {
  return {
    baseImage: BaseImage.fromReference(DISTROLESS),
    command: ['/manager'],
    healthCheck: HealthCheck.httpGet({ path: '/healthz', port: 8081 }),
    readinessCheck: HealthCheck.httpGet({ path: '/readyz', port: 8081 }),
    port: 8081,
    noDockerHealthcheck: true,
    ...extra,
  };
}

describe('noDockerHealthcheck', () => {
  test('without it, a distroless image with an HTTP check and no check program is refused (why the option exists)', () => {
    const project = newProject();
    expect(errorOf(() => new ContainerService(project, 'manager', props({ noDockerHealthcheck: undefined }))))
      .toMatch(/^manager\.checkBinary: must be a health-check program in the image/);
  });

  test('the Dockerfile has HEALTHCHECK NONE under a comment saying why; the probes are the kubelet\'s as before', () => {
    const project = newProject();
    new ContainerService(project, 'manager', props());
    const files = synth(project);
    const dockerfile = files['manager/Dockerfile'];
    const lines = dockerfile.split('\n');
    const at = lines.indexOf('HEALTHCHECK NONE');
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toBe("# No Docker health check (noDockerHealthcheck): only the kubelet's probes check this container (a httpGet probe sent by the kubelet, no program in the image); NONE also turns off any check the base image carries.");
    expect(lines.filter((l) => l.startsWith('HEALTHCHECK'))).toEqual(['HEALTHCHECK NONE']);
    // Nothing installed for a check (distroless has no package manager anyway), no RUN at all.
    expect(dockerfile).not.toMatch(/^RUN /m);
    expect(lintDockerfile(dockerfile)).toEqual([]);
    expect(dockerfileErrors(dockerfile)).toEqual([]);
    const k8s = parseSnippet(files['k8s/manager.yaml']);
    expect(lintPodFragment(k8s)).toEqual([]);
    const c = k8s.containers[0];
    expect(c.livenessProbe.httpGet).toEqual({ httpHeaders: [], path: '/healthz', port: 'http', scheme: 'HTTP' });
    expect(c.readinessProbe.httpGet).toEqual({ httpHeaders: [], path: '/readyz', port: 'http', scheme: 'HTTP' });
    expect(c.startupProbe.httpGet).toEqual({ httpHeaders: [], path: '/healthz', port: 'http', scheme: 'HTTP' });
  });

  test('tcpSocket and grpc checks too: no program in the image, none needed', () => {
    for (const check of [HealthCheck.tcpSocket(), HealthCheck.grpc()]) {
      const project = newProject();
      new ContainerService(project, 'manager', props({ healthCheck: check, readinessCheck: HealthCheck.httpGet({ path: '/readyz' }) }));
      const files = synth(project);
      expect(files['manager/Dockerfile']).toMatch(/^HEALTHCHECK NONE$/m);
      expect(files['manager/Dockerfile']).not.toMatch(/grpc_health_probe/);
    }
  });

  test('Compose: healthcheck disable: true; a depends_on service_healthy on it is a synth error; a proxy upstream waits for service_started', () => {
    const project = newProject();
    const m = new ContainerService(project, 'manager', props());
    const other = new ContainerService(project, 'web', { baseImage: BaseImage.debian('debian:12-slim'), command: ['/app/run'], directory: 'web' });
    new ComposeFile(project, 'compose', { services: [m, other] });
    const files = synth(project);
    const doc = YAML.parse(files['compose.yaml']);
    expect(composeErrors(doc)).toEqual([]);
    expect(doc.services.manager.healthcheck).toEqual({ disable: true });
    expect(doc.services.web.healthcheck.test[0]).toBe('CMD');

    const p2 = newProject();
    const m2 = new ContainerService(p2, 'manager', props());
    const w2 = new ContainerService(p2, 'web', { baseImage: BaseImage.debian('debian:12-slim'), command: ['/app/run'], directory: 'web' });
    new ComposeFile(p2, 'compose', { services: [m2, w2], dependencies: [{ service: w2, dependsOn: m2 }] });
    expect(errorOf(() => p2.synth())).toMatch(/^compose\.dependencies: must be an edge to a container with a Docker health check: manager has noDockerHealthcheck .*; received "web -> manager"$/);

    const p3 = newProject();
    const api = new ContainerService(p3, 'api', props({ name: 'api', directory: 'api' }));
    const front = new StaticFrontend(p3, 'frontend', { proxies: [{ path: '/api', service: api }] });
    new ComposeFile(p3, 'compose', { services: [api, front] });
    const doc3 = YAML.parse(synth(p3)['compose.yaml']);
    expect(doc3.services.frontend.depends_on).toEqual({ api: { condition: 'service_started' } });
  });

  test('the alignment report says there is no Docker check', () => {
    const project = newProject();
    const m = new ContainerService(project, 'manager', props());
    new AlignmentReport(project, 'report', { services: [m] });
    const md = synth(project)['docs/health-alignment.md'];
    expect(md).toContain("| liveness check | none: `HEALTHCHECK NONE`, Compose `healthcheck: { disable: true }` (`noDockerHealthcheck`); only the kubelet's probes check it |");
    expect(md).toContain('| interval | none (`noDockerHealthcheck`) | livenessProbe `periodSeconds: 30` |');
    expect(md).not.toContain('section Docker');
  });

  test('ECS has nothing to run: an error naming the option', () => {
    const project = newProject();
    const m = new ContainerService(project, 'manager', props());
    expect(errorOf(() => EcsHealthCheck.of(m))).toMatch(/^manager\.noDockerHealthcheck: must be false for an ECS health check/);
  });

  test('checkTool, checkBinary and dockerStartInterval are errors with it; an exec check still needs its program', () => {
    for (const [extra, field] of [
      [{ checkTool: CheckTool.WGET }, 'checkTool'],
      [{ checkBinary: '/app/healthcheck' }, 'checkBinary'],
      [{ dockerStartInterval: true }, 'dockerStartInterval'],
    ] as const) {
      expect(errorOf(() => new ContainerService(newProject(), 'manager', props(extra))))
        .toMatch(new RegExp(`^manager\\.${field}: must be unset when noDockerHealthcheck is true`));
    }
    expect(errorOf(() => new ContainerService(newProject(), 'manager', props({ healthCheck: HealthCheck.exec(['sh', '-c', 'true']) }))))
      .toMatch(/^manager\.healthCheck\.command\[0\]: must be a program the image has/);
  });

  test('GoService with it builds no health program and writes HEALTHCHECK NONE', () => {
    const project = newProject();
    new GoService(project, 'server', { noDockerHealthcheck: true });
    const files = synth(project);
    expect(files['server/Dockerfile']).toMatch(/^HEALTHCHECK NONE$/m);
    expect(files['server/Dockerfile']).not.toMatch(/healthcheck/);
    expect(Object.keys(files).filter((f) => f.includes('cmd/healthcheck'))).toEqual([]);
  });
});
