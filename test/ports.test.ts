import * as YAML from 'yaml';
import { BaseImage, ContainerService, ContainerServiceProps, HealthCheck, PortProtocol, ServiceOutputs, StaticFrontend } from '../src';
import { composeErrors, kustomize, sampleDeployment, validateDeployment } from './outputs-util';
import { errorOf, newProject, only, parseDockerfile, parseSnippet, stage, synth, validatePodFragment } from './util';

/** An operator-like container: traffic on 8080, health on a port of its own (8081), metrics on 9090. */
function operator(extra: Partial<ContainerServiceProps> = {}): ContainerServiceProps {
  return {
    baseImage: BaseImage.debian('debian:12-slim'),
    command: ['/manager'],
    additionalPorts: [{ name: 'healthz', containerPort: 8081 }, { name: 'metrics', containerPort: 9090 }],
    healthCheck: HealthCheck.httpGet({ path: '/healthz', port: 8081 }),
    readinessCheck: HealthCheck.httpGet({ path: '/readyz', port: 8081 }),
    ...extra,
  };
}

describe('a health check on a port of its own, and additional ports', () => {
  test('every output follows the check to its port; the additional ports are declared everywhere', () => {
    const project = newProject();
    const svc = new ContainerService(project, 'manager', operator());
    new ServiceOutputs(project, 'outputs', { services: [svc] });
    const files = synth(project);
    const prod = stage(parseDockerfile(files['manager/Dockerfile']), 'production');
    expect(prod.instructions.filter((i) => i.keyword === 'EXPOSE').map((i) => i.raw.getTextContent().trim())).toEqual(['EXPOSE 8080/tcp', 'EXPOSE 8081/tcp', 'EXPOSE 9090/tcp']);
    expect(files['manager/Dockerfile']).toContain('# The port named healthz (additionalPorts); the health check and the readiness check use it.');
    expect(only(prod, 'HEALTHCHECK').json).toEqual(['/bin/sh', '-c', 'wget -q -O /dev/null -T 10 http://127.0.0.1:8081/healthz || exit 1']);

    const snippet = parseSnippet(files['k8s/manager.yaml']);
    validatePodFragment(snippet);
    const c = snippet.containers[0];
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'healthz', containerPort: 8081, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'healthz' });
    expect(c.startupProbe.httpGet).toMatchObject({ path: '/healthz', port: 'healthz' });
    expect(c.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'healthz' });

    const compose = YAML.parse(files['compose.yaml']);
    expect(composeErrors(compose)).toEqual([]);
    expect(compose.services.manager.expose).toEqual(['8080', '8081', '9090']);
    expect(compose.services.manager.ports).toEqual([{ target: 8080, published: 8080, host_ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(compose.services.manager.healthcheck.test).toEqual(['CMD', '/bin/sh', '-c', 'wget -q -O /dev/null -T 10 http://127.0.0.1:8081/healthz || exit 1']);

    const helm = YAML.parse(files['helm/manager.values.yaml']);
    expect(helm.containerPort).toBe(8080);
    expect(helm.additionalPorts).toEqual([{ name: 'healthz', containerPort: 8081, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }]);
    expect(helm.livenessProbe.httpGet.port).toBe('healthz');
    expect(files['docs/health-alignment.md']).toContain('`containerPort: 8081` named `healthz`');
    expect(files['k8s/patches/manager.yaml']).toContain('Port healthz 8081 (additionalPorts) is merged by containerPort the same way.');
    const patch = YAML.parseAllDocuments(files['k8s/patches/manager.yaml']).map((d) => d.toJS());
    expect(patch[1].spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name)).toEqual(['http', 'healthz', 'metrics']);
  });

  test('a tcp check takes the port name, a grpc check the number; a UDP port is EXPOSEd /udp and declared UDP', () => {
    const project = newProject();
    const dns = new ContainerService(project, 'dns', {
      baseImage: BaseImage.debian('debian:12-slim'),
      command: ['/server'],
      additionalPorts: [{ name: 'dns', containerPort: 5353, protocol: PortProtocol.UDP }, { name: 'grpc-health', containerPort: 9000 }, { name: 'admin', containerPort: 9001 }],
      healthCheck: HealthCheck.grpc({ port: 9000 }),
      readinessCheck: HealthCheck.tcpSocket({ port: 9001 }),
      checkBinary: '/healthcheck',
    });
    new ServiceOutputs(project, 'outputs', { services: [dns] });
    const files = synth(project);
    expect(files['dns/Dockerfile']).toContain('EXPOSE 5353/udp');
    const c = parseSnippet(files['k8s/dns.yaml']).containers[0];
    expect(c.ports).toContainEqual({ name: 'dns', containerPort: 5353, protocol: 'UDP' });
    expect(c.livenessProbe.grpc).toEqual({ port: 9000, service: '' });
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 'admin' });
    const compose = YAML.parse(files['compose.yaml']);
    expect(composeErrors(compose)).toEqual([]);
    expect(compose.services.dns.expose).toEqual(['8080', '5353/udp', '9000', '9001']);
    expect(compose.services.dns.healthcheck.test).toEqual(['CMD', '/healthcheck', '127.0.0.1:9000', '10']);
  });

  test('validation: names, numbers, duplicates and a check on an undeclared port, in the house form', () => {
    const err = (extra: Partial<ContainerServiceProps>) => errorOf(() => new ContainerService(newProject(), 'manager', operator(extra)));
    expect(err({ additionalPorts: [{ name: 'Metrics', containerPort: 9090 }] })).toBe(
      "manager.additionalPorts[0].name: must be a Kubernetes port name (IANA_SVC_NAME: 1-15 of [a-z0-9-], a letter, no '--'); received \"Metrics\"");
    expect(err({ additionalPorts: [{ name: 'metrics', containerPort: 80 }], healthCheck: HealthCheck.httpGet({ path: '/healthz' }), readinessCheck: HealthCheck.httpGet({ path: '/readyz' }) })).toBe(
      'manager.additionalPorts[0].containerPort: must be from 1024 to 65535 (a non-root process cannot bind below 1024; Trivy KSV-0117), or set lowPortSysctl: true to keep the app\'s port (the pod sysctl net.ipv4.ip_unprivileged_port_start lets the non-root process bind it); received 80');
    expect(err({ additionalPorts: [{ name: 'http', containerPort: 9090 }] })).toBe(
      'manager.additionalPorts[0].name: must be a name no other port of the container has (http is already port 8080; Kubernetes refuses duplicate port names); received "http"');
    expect(err({ additionalPorts: [{ name: 'metrics', containerPort: 8080 }] })).toBe(
      'manager.additionalPorts[0].containerPort: must be a TCP port no other port of the container has (8080 is already the port named http); received 8080');
    expect(err({ additionalPorts: [{ name: 'metrics', containerPort: 9090 }] })).toBe(
      "manager.healthCheck.port: must be the container's port 8080 or one of its additionalPorts (9090) (probes refer to a named containerPort); to check a port of its own, declare it in additionalPorts with a name; received 8081");
    expect(err({ additionalPorts: [{ name: 'metrics', containerPort: 9090, protocol: 'SCTP' as PortProtocol }] })).toBe(
      'manager.additionalPorts[0].protocol: must be PortProtocol.TCP or PortProtocol.UDP; received "SCTP"');
    expect(err({ additionalPorts: [{ name: 'healthz', containerPort: 8081, protocol: PortProtocol.UDP }] })).toBe(
      "manager.healthCheck.port: must be the container's port 8080 (probes refer to a named containerPort); to check a port of its own, declare it in additionalPorts with a name; received 8081");
    expect(errorOf(() => new StaticFrontend(newProject(), 'web', { additionalPorts: [{ name: 'metrics', containerPort: 9090 }] }))).toBe(
      'web.additionalPorts: must be unset for a static frontend (the generated nginx.conf listens on the one port; nothing would serve another); received [{"name":"metrics","containerPort":9090}]');
  });

  test('real kubectl kustomize: the patch merges each port by containerPort; the probes name ports the container has', () => {
    const project = newProject();
    const svc = new ContainerService(project, 'manager', operator());
    new ServiceOutputs(project, 'outputs', { services: [svc] });
    const files = synth(project);
    // The team's Deployment already declares the metrics port (unnamed) beside its own web port.
    const own = sampleDeployment('manager', 'manager');
    own.spec.template.spec.containers[0].ports = [{ name: 'web', containerPort: 80 }, { containerPort: 9090 }];
    const merged = kustomize(own, files['k8s/patches/manager.yaml'], files['k8s/patches/manager.replacements.yaml']);
    validateDeployment(merged);
    const c = merged.spec.template.spec.containers.find((x: { name: string }) => x.name === 'manager');
    // Merged by containerPort (kustomize's order aside); web 80 stays. The Deployment's 9090 without `protocol` keeps
    // its own form (kustomize#3620 drops the patch's entry): no probe names it, so nothing breaks.
    expect([...c.ports].sort((x: { containerPort: number }, y: { containerPort: number }) => x.containerPort - y.containerPort)).toEqual([
      { name: 'web', containerPort: 80 },
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'healthz', containerPort: 8081, protocol: 'TCP' },
      { containerPort: 9090 },
    ]);
    expect(c.livenessProbe.httpGet.port).toBe('healthz');
    expect(c.readinessProbe.httpGet.port).toBe('healthz');
    // The health port the probes name is guarded: the Deployment's 8081 under another name without `protocol` would
    // leave the probes naming a port that is not there, and the guard stops the build.
    expect(files['k8s/patches/manager.replacements.yaml']).toContain('fieldPath: spec.template.spec.containers.[name=manager].ports.[name=healthz].name');
    expect(files['k8s/patches/manager.replacements.yaml']).not.toContain('[name=metrics]');
    own.spec.template.spec.containers[0].ports = [{ name: 'probes', containerPort: 8081 }];
    expect(() => kustomize(own, files['k8s/patches/manager.yaml'], files['k8s/patches/manager.replacements.yaml']))
      .toThrow(/fieldPath `spec\.template\.spec\.containers\.\[name=manager\]\.ports\.\[name=healthz\]\.name` is missing for replacement source/);
  });

  test('without additionalPorts the service port is still the only one (documented default)', () => {
    const project = newProject();
    new ContainerService(project, 'api', { baseImage: BaseImage.debian('debian:12-slim'), command: ['/api'] });
    const files = synth(project);
    expect(parseSnippet(files['k8s/api.yaml']).containers[0].ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });
});
