import * as YAML from 'yaml';
import { BaseImage, ContainerService, ContainerServiceProps, EcsHealthCheck, HealthCheck, KubernetesProbes, KustomizePatch, ServiceOutputs, StaticFrontend } from '../src';
import { lintPodFragment } from './lint';
import { composeErrors, hasHelm, hasKubectl, helmTemplate, kustomize, sampleDeployment, validateDeployment } from './outputs-util';
import { errorOf, listFiles, newProject, parseDockerfile, parseSnippet, stage, synth, validatePodFragment } from './util';

const SYSCTL = 'net.ipv4.ip_unprivileged_port_start';

/** An ASP.NET-like app that listens on 80 (and a metrics port on 9090). */
function aspnet(extra: Partial<ContainerServiceProps> = {}): ContainerServiceProps {
  return {
    baseImage: BaseImage.debian('mcr.microsoft.com/dotnet/aspnet:8.0'),
    command: ['dotnet', 'Api.dll'],
    port: 80,
    lowPortSysctl: true,
    additionalPorts: [{ name: 'metrics', containerPort: 9090 }],
    healthCheck: HealthCheck.httpGet({ path: '/healthz' }),
    readinessCheck: HealthCheck.httpGet({ path: '/ready' }),
    ...extra,
  };
}

describe('lowPortSysctl: a non-root process binds a port below 1024 through the pod sysctl', () => {
  test('every output that runs the container writes net.ipv4.ip_unprivileged_port_start = the lowest port', () => {
    const project = newProject();
    const api = new ContainerService(project, 'api', aspnet());
    new ServiceOutputs(project, 'outputs', { services: [api] });
    new EcsHealthCheck(project, 'ecs', { service: api });
    const files = synth(project);

    // The Dockerfile: the port as the app has it, a non-root numeric USER.
    const prod = stage(parseDockerfile(files['api/Dockerfile']), 'production');
    expect(prod.instructions.filter((i) => i.keyword === 'EXPOSE').map((i) => i.raw.getTextContent().trim())).toEqual(['EXPOSE 80/tcp', 'EXPOSE 9090/tcp']);
    expect(prod.instructions.filter((i) => i.keyword === 'USER').pop()!.raw.getTextContent().trim()).toBe('USER 1000:1000');

    // The Kubernetes snippet: the pod sysctl, the container still non-root with every capability dropped.
    const snippet = parseSnippet(files['k8s/api.yaml']);
    validatePodFragment(snippet);
    expect(snippet.securityContext).toEqual({ sysctls: [{ name: SYSCTL, value: '80' }] });
    const c = snippet.containers[0];
    expect(c.ports[0]).toEqual({ name: 'http', containerPort: 80, protocol: 'TCP' });
    expect(c.securityContext).toMatchObject({ runAsUser: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.securityContext.capabilities.add).toBeUndefined();
    expect(KubernetesProbes.of(api).sysctls).toEqual([{ name: SYSCTL, value: '80' }]);
    // The trade the option documents: Trivy KSV-0117 flags the port, and only that.
    expect(lintPodFragment(snippet)).toEqual(['KSV-0117: containerPort 80']);

    // Compose: sysctls written explicitly (Docker 20.10+ sets 0 already), no cap_add, still cap_drop ALL.
    const compose = YAML.parse(files['compose.yaml']);
    expect(composeErrors(compose)).toEqual([]);
    expect(compose.services.api.sysctls).toEqual({ [SYSCTL]: '80' });
    expect(compose.services.api.cap_drop).toEqual(['ALL']);
    expect(compose.services.api.cap_add).toBeUndefined();
    expect(compose.services.api.user).toBe('1000:1000');

    // ECS: the container definition fragment's systemControls.
    const ecs = JSON.parse(files['ecs/api.health-check.json']);
    expect(ecs.systemControls).toEqual([{ namespace: SYSCTL, value: '80' }]);

    // Helm: the chart's pod securityContext (helm create's podSecurityContext).
    const helm = YAML.parse(files['helm/api.values.yaml']);
    expect(helm.podSecurityContext).toEqual({ sysctls: [{ name: SYSCTL, value: '80' }] });
    expect(helm.containerPort).toBe(80);

    // kustomize: the pod's securityContext in the second document, and a note that the list is replaced whole.
    const patch = YAML.parseAllDocuments(files['k8s/patches/api.yaml']).map((d) => d.toJS());
    expect(patch[1].spec.template.spec.securityContext).toEqual({ sysctls: [{ name: SYSCTL, value: '80' }] });
    expect(files['k8s/patches/api.yaml']).toContain(`securityContext.sysctls (lowPortSysctl: ${SYSCTL}=80, so the non-root process binds port 80) replaces the pod's own sysctls list`);

    // The alignment report names it.
    expect(files['docs/health-alignment.md']).toContain(`| port below 1024 | Compose \`sysctls: {${SYSCTL}: "80"}\``);
    expect(files['docs/health-alignment.md']).toContain(`pod \`securityContext.sysctls: [{name: ${SYSCTL}, value: "80"}]\``);
  });

  test('the value is the lowest port, an additional port below the service port included', () => {
    const project = newProject();
    const api = new ContainerService(project, 'api', aspnet({ port: 8080, additionalPorts: [{ name: 'dns', containerPort: 53 }] }));
    expect(KubernetesProbes.of(api).sysctls).toEqual([{ name: SYSCTL, value: '53' }]);
    expect(EcsHealthCheck.of(api).command[0]).toBe('CMD');
    const files = synth(project);
    expect(parseSnippet(files['k8s/api.yaml']).securityContext).toEqual({ sysctls: [{ name: SYSCTL, value: '53' }] });
  });

  test('without it nothing is written: no pod securityContext, no sysctls, no systemControls, no podSecurityContext', () => {
    const project = newProject();
    const api = new ContainerService(project, 'api', aspnet({ port: 8080, lowPortSysctl: undefined, additionalPorts: undefined }));
    new ServiceOutputs(project, 'outputs', { services: [api] });
    new EcsHealthCheck(project, 'ecs', { service: api });
    const files = synth(project);
    expect(parseSnippet(files['k8s/api.yaml']).securityContext).toBeUndefined();
    expect(YAML.parse(files['compose.yaml']).services.api.sysctls).toBeUndefined();
    expect(JSON.parse(files['ecs/api.health-check.json']).systemControls).toBeUndefined();
    expect(YAML.parse(files['helm/api.values.yaml']).podSecurityContext).toBeUndefined();
    expect(KubernetesProbes.of(api).sysctls).toEqual([]);
    expect(files['docs/health-alignment.md']).not.toContain('port below 1024');
  });

  test('a port below 1024 without it is an error naming the opt-in, and nothing is written', () => {
    const project = newProject();
    expect(errorOf(() => new ContainerService(project, 'api', aspnet({ lowPortSysctl: undefined, additionalPorts: undefined })))).toBe(
      'api.port: must be from 1024 to 65535 (a non-root process cannot bind below 1024; Trivy KSV-0117), or set lowPortSysctl: true to keep the app\'s port (the pod sysctl net.ipv4.ip_unprivileged_port_start lets the non-root process bind it); received 80');
    expect(errorOf(() => new ContainerService(newProject(), 'api', aspnet({ port: 8080, lowPortSysctl: false, additionalPorts: [{ name: 'dns', containerPort: 53 }] })))).toBe(
      'api.additionalPorts[0].containerPort: must be from 1024 to 65535 (a non-root process cannot bind below 1024; Trivy KSV-0117), or set lowPortSysctl: true to keep the app\'s port (the pod sysctl net.ipv4.ip_unprivileged_port_start lets the non-root process bind it); received 53');
    project.synth();
    expect(listFiles(project.outdir).filter((f) => !f.startsWith('.projen') && f !== '.gitattributes' && f !== '.gitignore')).toEqual([]);
  });

  test('the opt-in with no port below 1024 is an error (it would change nothing); a non-boolean too', () => {
    expect(errorOf(() => new ContainerService(newProject(), 'api', aspnet({ port: 8080, additionalPorts: [] })))).toBe(
      'api.lowPortSysctl: must be unset when no port is below 1024 (the sysctl would change nothing; the ports are 8080); received true');
    expect(errorOf(() => new ContainerService(newProject(), 'api', aspnet({ lowPortSysctl: 'yes' as any })))).toBe('api.lowPortSysctl: must be a boolean; received "yes"');
  });

  test('StaticFrontend on 80: nginx listens on 80 as its non-root user, the pod gets the sysctl', () => {
    const project = newProject();
    new StaticFrontend(project, 'web', { port: 80, lowPortSysctl: true, directory: 'web' });
    const files = synth(project);
    expect(files['web/nginx.conf']).toMatch(/^\s*listen 80;$/m);
    expect(parseSnippet(files['k8s/frontend.yaml']).securityContext).toEqual({ sysctls: [{ name: SYSCTL, value: '80' }] });
  });

  (hasKubectl() ? test : test.skip)('kubectl kustomize keeps the pod\'s other securityContext fields and sets the sysctl', () => {
    const project = newProject();
    const api = new ContainerService(project, 'api', aspnet({ additionalPorts: undefined }));
    new KustomizePatch(project, 'patch', { service: api, deploymentName: 'api' });
    const files = synth(project);
    const dep = sampleDeployment('api', 'api');
    dep.spec.template.spec.securityContext = { fsGroup: 2000 };
    const out = kustomize(dep, files['k8s/patches/api.yaml']);
    validateDeployment(out);
    expect(out.spec.template.spec.securityContext).toEqual({ fsGroup: 2000, sysctls: [{ name: SYSCTL, value: '80' }] });
  });

  (hasHelm() ? test : test.skip)('helm template puts podSecurityContext.sysctls into the pod of helm create\'s chart', () => {
    const project = newProject();
    const api = new ContainerService(project, 'api', aspnet({ additionalPorts: undefined }));
    new ServiceOutputs(project, 'outputs', { services: [api] });
    const files = synth(project);
    const dep = helmTemplate(files['helm/api.values.yaml']);
    expect(dep.spec.template.spec.securityContext).toEqual({ sysctls: [{ name: SYSCTL, value: '80' }] });
    expect(dep.spec.template.spec.containers[0].ports[0].containerPort).toBe(80);
  });
});
