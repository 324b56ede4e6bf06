import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  AlignmentReport,
  BaseImage,
  CheckTool,
  ComposeFile,
  ContainerService,
  Duration,
  FastApiBackend,
  HealthCheck,
  HelmValues,
  KubernetesProbes,
  KustomizePatch,
  NodeService,
  ServiceOutputs,
  StartPeriodMapping,
  StaticFrontend,
} from '../src';
import { composeErrors, HELM_CREATE_PROBES, hasHelm, hasKubectl, helmDocBlock, helmDocStartupBlock, helmMerge, helmTemplate, kustomize, renderProbeBlock, sampleDeployment, strategicMerge, validateDeployment } from './outputs-util';
import { errorOf, listFiles, newProject, only, parseDockerfile, parseSnippet, stage, synth, validatePodFragment } from './util';

interface Synth {
  files: Record<string, string>;
  compose: any;
  patch: (name: string) => any;
  patchDocs: (name: string) => any[];
  helm: (name: string) => any;
  snippet: (name: string) => any;
  healthcheck: (name: string) => any;
  report: string;
  probes: Record<string, any>;
}

/** A project with both presets and every output; `backend`/`frontend` options override the defaults. */
function build(backend: object = {}, frontend: object = {}): Synth {
  const project = newProject();
  const b = new FastApiBackend(project, 'backend', backend);
  const f = new StaticFrontend(project, 'frontend', frontend);
  new ServiceOutputs(project, 'outputs', { services: [b, f], composeDependencies: [{ service: f, dependsOn: b }] });
  const probes = { [b.name]: KubernetesProbes.of(b), [f.name]: KubernetesProbes.of(f) };
  const files = synth(project);
  return {
    files,
    compose: YAML.parse(files['compose.yaml']),
    // The second document sets the model's values (the first clears the Deployment's probes and securityContext).
    patch: (n) => YAML.parseAllDocuments(files[`k8s/patches/${n}.yaml`])[1].toJS(),
    patchDocs: (n) => YAML.parseAllDocuments(files[`k8s/patches/${n}.yaml`]).map((d) => d.toJS()),
    helm: (n) => YAML.parse(files[`helm/${n}.values.yaml`]),
    snippet: (n) => parseSnippet(files[`k8s/${n}.yaml`]),
    healthcheck: (n) => only(stage(parseDockerfile(files[`${n}/Dockerfile`]), 'production'), 'HEALTHCHECK'),
    report: files['docs/health-alignment.md'],
    probes,
  };
}

const NAMES = ['backend', 'frontend'];

describe('Compose file', () => {
  const s = build();

  test('is valid against the compose-spec schema', () => {
    expect(composeErrors(s.compose)).toEqual([]);
  });

  test.each(NAMES)('%s: healthcheck equals the image HEALTHCHECK (test, interval, timeout, start_period, retries)', (n) => {
    const hc = s.compose.services[n].healthcheck;
    const image = s.healthcheck(n);
    expect(hc.test).toEqual(['CMD', ...image.json!]);
    expect(hc.interval).toBe(image.flags.interval);
    expect(hc.timeout).toBe(image.flags.timeout);
    expect(hc.start_period).toBe(image.flags['start-period']);
    expect(String(hc.retries)).toBe(image.flags.retries);
    // The image has no --start-interval by default (Engine < 25 refuses it), so Compose has none either.
    expect(image.flags['start-interval']).toBeUndefined();
    expect(hc.start_interval).toBeUndefined();
  });

  test('the default values, written explicitly', () => {
    expect(s.compose.services.backend.healthcheck).toMatchObject({ interval: '30s', timeout: '10s', start_period: '10s', retries: 3 });
    expect(s.compose.services.frontend.healthcheck).toMatchObject({ interval: '30s', timeout: '10s', start_period: '5s', retries: 3 });
  });

  test.each(NAMES)('%s: port, user, read-only root, tmpfs and capabilities match the Kubernetes snippet', (n) => {
    const svc = s.compose.services[n];
    const c = s.snippet(n).containers[0];
    expect(svc.build).toEqual({ context: `./${n}`, target: 'production' });
    expect(svc.ports).toEqual([{ target: c.ports[0].containerPort, published: c.ports[0].containerPort, host_ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(svc.user).toBe(`${c.securityContext.runAsUser}:${c.securityContext.runAsGroup}`);
    expect(svc.read_only).toBe(c.securityContext.readOnlyRootFilesystem);
    expect(svc.tmpfs).toEqual(c.volumeMounts.map((v: any) => v.mountPath));
    expect(svc.cap_drop).toEqual(c.securityContext.capabilities.drop);
    expect(svc.security_opt).toEqual(['no-new-privileges']);
  });

  // Real Compose on a real engine (e2e:compose): `no-new-privileges:true` made dockerd log "Security options with `:`
  // as a separator are deprecated" at every container start; the bare form is the one the daemon takes whole.
  test.each(NAMES)('%s: security_opt is the bare no-new-privileges, never the deprecated `:` separator', (n) => {
    const opts: string[] = s.compose.services[n].security_opt;
    expect(opts).toContain('no-new-privileges');
    expect(opts.filter((o) => o.includes(':'))).toEqual([]);
  });

  test('the schema checks the compose-spec port formats (short syntax), so a malformed mapping fails', () => {
    const bad = { services: { backend: { image: 'b', ports: ['80:80:80:80'], expose: ['http'] } } };
    expect(composeErrors(bad)).toEqual(expect.arrayContaining([
      '/services/backend/ports/0 must match format "ports"',
      '/services/backend/expose/0 must match format "expose"',
    ]));
    const good = { services: { backend: { image: 'b', ports: ['127.0.0.1:8000:8000/tcp', '[::1]::80', '8000-8001:9000-9001', 80], expose: ['8000', '9000/udp'] } } };
    expect(composeErrors(good)).toEqual([]);
  });

  test('depends_on waits for the dependency to be healthy; the backend depends on nothing', () => {
    expect(s.compose.services.frontend.depends_on).toEqual({ backend: { condition: 'service_healthy' } });
    expect(s.compose.services.backend.depends_on).toBeUndefined();
  });

  test('start_interval follows dockerStartInterval, and the schema accepts it', () => {
    const t = build({ dockerStartInterval: true, timing: { startInterval: Duration.seconds(3) } });
    expect(t.compose.services.backend.healthcheck.start_interval).toBe('3s');
    expect(t.healthcheck('backend').flags['start-interval']).toBe('3s');
    expect(composeErrors(t.compose)).toEqual([]);
  });

  test('a $ is written $$ (Compose interpolates $NAME), so the check runs with the literal value', () => {
    const t = build({ healthCheck: HealthCheck.httpGet({ path: '/api/v1/health', headers: { 'X-Probe': 'a$HOME' } }) });
    const script = t.compose.services.backend.healthcheck.test[3];
    expect(script).toContain('a$$HOME');
    expect(script.replace(/\$\$/g, '$')).toBe(t.healthcheck('backend').json![2]);
  });

  test('publishPorts: false leaves the ports unpublished', () => {
    const project = newProject();
    const b = new FastApiBackend(project, 'backend');
    new ComposeFile(project, 'compose', { services: [b], publishPorts: false, filePath: 'deploy/compose.yml' });
    const doc = YAML.parse(synth(project)['deploy/compose.yml']);
    expect(doc.services.backend.ports).toBeUndefined();
    expect(doc.services.backend.expose).toEqual(['8000']);
    expect(doc.services.backend.build.context).toBe('../backend');
  });

  test('bad dependencies fail at synth and no file is written', () => {
    const cases: Array<[(p: any, b: ContainerService, f: ContainerService) => void, string]> = [
      [(c, b, f) => { c.addDependency(f, b); c.addDependency(b, f); }, 'compose.dependencies: must be free of cycles (Compose cannot start any service of a cycle); received "backend -> frontend -> backend"'],
      [(c, b) => c.addDependency(b, b), 'compose.dependencies: must be an edge between two different containers; received "backend"'],
    ];
    for (const [add, message] of cases) {
      const project = newProject();
      const b = new FastApiBackend(project, 'backend');
      const f = new StaticFrontend(project, 'frontend');
      const c = new ComposeFile(project, 'compose', { services: [b, f] });
      add(c, b, f);
      expect(errorOf(() => project.synth())).toBe(message);
      expect(listFiles(project.outdir).filter((x) => x.endsWith('.yaml'))).toEqual([]);
    }
    const project = newProject();
    const b = new FastApiBackend(project, 'backend');
    const f = new StaticFrontend(project, 'frontend');
    new ComposeFile(project, 'compose', { services: [b], dependencies: [{ service: b, dependsOn: f }] });
    expect(errorOf(() => project.synth())).toBe('compose.dependencies: must be containers listed in services (backend); received "frontend"');
  });

  test('bad options fail at construction', () => {
    const project = newProject();
    const b = new FastApiBackend(project, 'backend');
    expect(errorOf(() => new ComposeFile(project, 'c1', { services: [] }))).toBe('c1.services: must be a non-empty array of ContainerService; received []');
    expect(errorOf(() => new ComposeFile(project, 'c2', { services: [b, b] }))).toBe('c2.services[1]: must be a container whose name no other listed container has; received "backend"');
    expect(errorOf(() => new ComposeFile(project, 'c3', { services: [b], filePath: 'compose.json' }))).toBe('c3.filePath: must be a path ending in .yaml or .yml; received "compose.json"');
    expect(errorOf(() => new ComposeFile(project, 'c4', { services: [b], filePath: 'k8s/backend.yaml' }))).toBe('c4.filePath: must be a path no other file of the project uses; received "k8s/backend.yaml"');
    expect(errorOf(() => new ComposeFile(project, 'c5', { services: [{} as any] }))).toBe('c5.services[0]: must be a ContainerService (e.g. a FastApiBackend or StaticFrontend); received "object"');
  });
});

/** Lists merged by key come out in an order that is not part of the contract: sort them. */
function normalize(doc: any): any {
  if (Array.isArray(doc)) {
    const items = doc.map(normalize);
    const key = ['name', 'containerPort', 'mountPath'].find((k) => items.every((i) => i && typeof i === 'object' && k in i));
    return key ? [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key]))) : items;
  }
  if (doc && typeof doc === 'object') return Object.fromEntries(Object.keys(doc).sort().map((k) => [k, normalize(doc[k])]));
  return doc;
}

describe('kustomize patch', () => {
  const s = build();

  test.each(NAMES)('%s: applied to a sample Deployment, the container carries the snippet values and the result is a valid Deployment', (n) => {
    const merged = s.patchDocs(n).reduce(strategicMerge, sampleDeployment(n, n));
    validateDeployment(merged);
    const c = merged.spec.template.spec.containers.find((x: any) => x.name === n);
    const want = s.snippet(n).containers[0];
    for (const k of ['startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext', 'volumeMounts']) expect(c[k]).toEqual(want[k]);
    expect(c.image).toBe('registry.example/app:1.0.0');
    // The model's port merged by containerPort; the Deployment's own port of another number stays (issue 25).
    expect(c.ports).toEqual([...want.ports, { name: 'web', containerPort: 80 }]);
    expect(merged.spec.template.spec.volumes).toEqual(s.snippet(n).volumes);
    expect(merged.spec.template.spec.containers.map((x: any) => x.name).sort()).toEqual([n, 'sidecar']);
  });

  (hasKubectl() ? test.each(NAMES) : test.skip.each(NAMES))('%s: kubectl kustomize gives the same Deployment as the test helper', (n) => {
    const merged = kustomize(sampleDeployment(n, n), s.files[`k8s/patches/${n}.yaml`]);
    validateDeployment(merged);
    expect(normalize(merged)).toEqual(normalize(s.patchDocs(n).reduce(strategicMerge, sampleDeployment(n, n))));
  });

  test.each(NAMES)('%s: the first document clears probes and securityContext (null, not the ports: issue 25), the second sets them; no $patch', (n) => {
    const [first, second] = s.patchDocs(n);
    expect(s.patchDocs(n)).toHaveLength(2);
    expect(first).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: n },
      spec: {
        template: {
          spec: { containers: [{ name: n, startupProbe: null, livenessProbe: null, readinessProbe: null, securityContext: null }] },
        },
      },
    });
    const c = second.spec.template.spec.containers[0];
    const want = s.snippet(n).containers[0];
    expect(Object.keys(c)).toEqual(['name', 'ports', 'startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext', 'volumeMounts']);
    for (const k of ['ports', 'startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext', 'volumeMounts']) expect([k, c[k]]).toEqual([k, want[k]]);
    // The API server's strategic merge drops a `$patch` map whose key the Deployment lacks: none is written.
    expect(s.files[`k8s/patches/${n}.yaml`]).not.toContain('$patch');
  });

  test.each(NAMES)('%s: on a Deployment without ports, probes or securityContext the container gets all of them', (n) => {
    const bare = sampleDeployment(n, n);
    const own = bare.spec.template.spec.containers.find((x: any) => x.name === n);
    for (const k of ['ports', 'startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext']) delete own[k];
    const want = s.snippet(n).containers[0];
    const merged = [s.patchDocs(n).reduce(strategicMerge, bare)];
    if (hasKubectl()) merged.push(kustomize(bare, s.files[`k8s/patches/${n}.yaml`]));
    for (const m of merged) {
      validateDeployment(m);
      const c = m.spec.template.spec.containers.find((x: any) => x.name === n);
      for (const k of ['ports', 'startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext']) expect([k, c[k]]).toEqual([k, want[k]]);
    }
  });

  test('with StartPeriodMapping.INITIAL_DELAY the Deployment\'s startupProbe is deleted', () => {
    const t = build({ startPeriodMapping: StartPeriodMapping.INITIAL_DELAY });
    expect(t.patchDocs('backend')[0].spec.template.spec.containers[0].startupProbe).toBeNull();
    expect(t.patch('backend').spec.template.spec.containers[0]).not.toHaveProperty('startupProbe');
    const merged = t.patchDocs('backend').reduce(strategicMerge, sampleDeployment('backend', 'backend'));
    validateDeployment(merged);
    expect(merged.spec.template.spec.containers[0].startupProbe).toBeUndefined();
    expect(merged.spec.template.spec.containers[0].livenessProbe.initialDelaySeconds).toBe(10);
    if (hasKubectl()) {
      const k = kustomize(sampleDeployment('backend', 'backend'), t.files['k8s/patches/backend.yaml']);
      expect(k.spec.template.spec.containers.find((x: any) => x.name === 'backend').startupProbe).toBeUndefined();
    }
  });

  test('deploymentName, filePath and their errors', () => {
    const project = newProject();
    const b = new FastApiBackend(project, 'backend');
    new KustomizePatch(project, 'patch', { service: b, deploymentName: 'api', filePath: 'overlays/prod/backend.yml' });
    const bad = newProject();
    const b2 = new FastApiBackend(bad, 'backend');
    expect(errorOf(() => new KustomizePatch(bad, 'p2', { service: b2, deploymentName: 'API' }))).toMatch(/^p2\.deploymentName: must be an RFC 1123 DNS label/);
    expect(errorOf(() => new KustomizePatch(bad, 'p3', { service: undefined as any }))).toBe('p3.service: must be a ContainerService (e.g. a FastApiBackend or StaticFrontend); received "undefined"');
    const doc = YAML.parseAllDocuments(synth(project)['overlays/prod/backend.yml'])[1].toJS();
    expect(doc.metadata).toEqual({ name: 'api' });
    expect(doc.kind).toBe('Deployment');
  });
});

describe('Helm values fragment', () => {
  const s = build();

  test.each(NAMES)('%s: the common chart layout with the snippet values', (n) => {
    const v = s.helm(n);
    const c = s.snippet(n).containers[0];
    expect(Object.keys(v)).toEqual(['service', 'containerPort', 'portName', 'securityContext', 'startupProbe', 'livenessProbe', 'readinessProbe', 'volumes', 'volumeMounts']);
    expect(v.service.port).toBe(c.ports[0].containerPort);
    expect(v.containerPort).toBe(c.ports[0].containerPort);
    expect(v.portName).toBe(c.ports[0].name);
    for (const k of ['securityContext', 'startupProbe', 'livenessProbe', 'readinessProbe', 'volumeMounts']) expect(v[k]).toEqual(c[k]);
    expect(v.volumes).toEqual(s.snippet(n).volumes);
  });

  test('the chart template\'s container, filled from the values, is a valid Pod spec', () => {
    const v = s.helm('backend');
    validatePodFragment({
      containers: [{ name: 'backend', ports: [{ name: v.portName, containerPort: v.containerPort, protocol: 'TCP' }], securityContext: v.securityContext, startupProbe: v.startupProbe, livenessProbe: v.livenessProbe, readinessProbe: v.readinessProbe, volumeMounts: v.volumeMounts }],
      volumes: v.volumes,
    });
  });

  describe('each probe kind: the chart defaults it replaces are nulled', () => {
    const project = newProject();
    new FastApiBackend(project, 'http', { name: 'http' });
    new ContainerService(project, 'grpc', {
      baseImage: BaseImage.alpine('alpine:3.20'),
      port: 50051,
      portName: 'grpc',
      command: ['/app/server'],
      healthCheck: HealthCheck.grpc(),
      readinessCheck: HealthCheck.grpc({ service: 'ready' }),
      checkTool: CheckTool.GRPC_HEALTH_PROBE,
      addedTools: [CheckTool.GRPC_HEALTH_PROBE],
    });
    new ContainerService(project, 'tcp', {
      baseImage: BaseImage.debian('python:3.12-slim'),
      port: 9000,
      command: ['python', '-m', 'app'],
      healthCheck: HealthCheck.tcpSocket(),
      readinessCheck: HealthCheck.tcpSocket(),
      checkTool: CheckTool.PYTHON,
      startPeriodMapping: StartPeriodMapping.INITIAL_DELAY,
    });
    new ContainerService(project, 'exec', {
      baseImage: BaseImage.debian('python:3.12-slim'),
      port: 9100,
      command: ['python', '-m', 'app'],
      healthCheck: HealthCheck.exec(['python', '/app/check.py']),
      readinessCheck: HealthCheck.httpGet({ path: '/ready' }),
      checkTool: CheckTool.PYTHON,
    });
    new NodeService(project, 'worker', { name: 'worker', noPort: true, healthCheck: HealthCheck.exec(['node', 'check.js']) });
    new ServiceOutputs(project, 'outputs', { compose: false, report: false, kustomize: false });
    const files = synth(project);
    const values = (n: string) => YAML.parse(files[`helm/${n}.values.yaml`]);
    const snippet = (n: string) => parseSnippet(files[`k8s/${n}.yaml`]).containers[0];
    const timing = { initialDelaySeconds: 0, periodSeconds: 30, timeoutSeconds: 10, successThreshold: 1, failureThreshold: 3 };

    test('HTTP: the probes as in the snippet, no null', () => {
      const v = values('http');
      expect(v.livenessProbe).toEqual({ httpGet: { path: '/api/v1/health', port: 'http', scheme: 'HTTP', httpHeaders: [] }, ...timing });
      expect(v.readinessProbe.httpGet.path).toBe('/api/v1/health/ready');
      expect(files['helm/http.values.yaml']).not.toMatch(/null/);
    });

    test('gRPC: liveness and readiness grpc with httpGet: null right after the handler, startup grpc alone', () => {
      const v = values('grpc');
      expect(v.livenessProbe).toEqual({ grpc: { port: 50051, service: '' }, httpGet: null, ...timing });
      expect(Object.keys(v.livenessProbe).slice(0, 2)).toEqual(['grpc', 'httpGet']);
      // The chart has no default startupProbe: nothing to delete, and a null there would be rendered.
      expect(v.startupProbe).toEqual({ grpc: { port: 50051, service: '' }, ...timing, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 6 });
      expect(v.readinessProbe).toEqual({ grpc: { port: 50051, service: 'ready' }, httpGet: null, ...timing, periodSeconds: 5, timeoutSeconds: 3 });
    });

    test('TCP with INITIAL_DELAY: tcpSocket with httpGet: null, startupProbe: null', () => {
      const v = values('tcp');
      expect(v.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, httpGet: null, ...timing, initialDelaySeconds: 10 });
      expect(v.readinessProbe).toEqual({ tcpSocket: { port: 'http' }, httpGet: null, ...timing, initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3 });
      expect(v).toHaveProperty('startupProbe', null);
    });

    test('exec liveness with an HTTP readiness: httpGet: null only where the handler is exec', () => {
      const v = values('exec');
      expect(v.livenessProbe).toEqual({ exec: { command: ['python', '/app/check.py'] }, httpGet: null, ...timing });
      expect(v.startupProbe).not.toHaveProperty('httpGet');
      expect(v.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http', scheme: 'HTTP', httpHeaders: [] });
    });

    test('a worker: readinessProbe: null, exec liveness with httpGet: null, no service or port', () => {
      const v = values('worker');
      expect(v).toHaveProperty('readinessProbe', null);
      expect(v.livenessProbe).toEqual({ exec: { command: ['node', 'check.js'] }, httpGet: null, ...timing });
      expect(Object.keys(v)).toEqual(['securityContext', 'startupProbe', 'livenessProbe', 'readinessProbe', 'volumes', 'volumeMounts']);
    });

    test.each(['http', 'grpc', 'tcp', 'exec', 'worker'])('%s: merged over helm create\'s defaults as Helm does, the probes equal the snippet\'s', (n) => {
      const merged = helmMerge(HELM_CREATE_PROBES, values(n));
      const c = snippet(n);
      for (const k of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect([k, merged[k]]).toEqual([k, c[k]]);
    });

    (hasHelm() ? test.each : test.skip.each)(['http', 'grpc', 'tcp', 'exec', 'worker'])('%s: helm template of a helm create chart with -f values renders the snippet\'s probes', (n) => {
      const d = helmTemplate(files[`helm/${n}.values.yaml`]);
      const c = d.spec.template.spec.containers[0];
      const want = snippet(n);
      for (const k of ['startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext']) expect([k, c[k]]).toEqual([k, want[k]]);
    });
  });

  test('docs/outputs/helm.md: the startupProbe block, pasted into helm create\'s container, renders the values\' startupProbe', () => {
    const block = helmDocStartupBlock();
    // At the indentation of helm create's container keys (10 spaces), nindent 2 deeper.
    expect(block.split('\n')).toEqual([
      '          {{- with .Values.startupProbe }}',
      '          startupProbe:',
      '            {{- toYaml . | nindent 12 }}',
      '          {{- end }}',
    ]);
    const v = s.helm('backend');
    const chart = (values: Record<string, unknown>) => [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: backend',
      '          image: registry.example/app:1.0.0',
      renderProbeBlock(block, values).replace(/^\n/, ''),
      '          livenessProbe:',
      '            httpGet: { path: /, port: http }',
    ].filter((l) => l !== '').join('\n');
    const c = YAML.parse(chart(v)).spec.template.spec.containers[0];
    expect(c.startupProbe).toEqual(s.snippet('backend').containers[0].startupProbe);
    expect(c.image).toBe('registry.example/app:1.0.0');
    expect(c.livenessProbe.httpGet.path).toBe('/');
    // With startupProbe: null (INITIAL_DELAY) the block renders nothing.
    expect(YAML.parse(chart({ startupProbe: null })).spec.template.spec.containers[0]).not.toHaveProperty('startupProbe');
  });

  test('docs/outputs/helm.md: the test pod\'s container as shown parses and meets Pod Security restricted', () => {
    // The block is the `containers:` of helm create's templates/tests/test-connection.yaml; its only template
    // action sits inside a quoted string, so it parses as it is.
    const containers = YAML.parse(helmDocBlock('name: wget')).containers;
    expect(containers).toHaveLength(1);
    const c = containers[0];
    expect(c.args).toEqual(['-q', '-O', '/dev/null', '{{ include "app.fullname" . }}:{{ .Values.service.port }}']);
    // The restricted profile's container checks: privilege escalation, capabilities, non-root, seccomp.
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65534,
      runAsGroup: 65534,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    validatePodFragment({ containers: [{ ...c, args: ['-q', '-O', '/dev/null', 'app:80'] }], restartPolicy: 'Never' });
  });

  test('filePath', () => {
    const project = newProject();
    const b = new FastApiBackend(project, 'backend');
    new HelmValues(project, 'helm', { service: b, filePath: 'charts/backend/values.yaml' });
    expect(YAML.parse(synth(project)['charts/backend/values.yaml']).service.port).toBe(8000);
  });
});

describe('typed probes for cdk8s', () => {
  const s = build();

  test.each(NAMES)('%s: equal the Kubernetes snippet', (n) => {
    const { volumes, sysctls, ...container } = s.probes[n];
    expect(container).toEqual(s.snippet(n).containers[0]);
    expect(volumes).toEqual(s.snippet(n).volumes);
    // The pod sysctls (lowPortSysctl) are the snippet's pod securityContext; none here.
    expect(sysctls).toEqual(s.snippet(n).securityContext?.sysctls ?? []);
  });

  test('a cdk8s Deployment built from them synthesizes to a valid Deployment', () => {
    const chart = new Chart(Testing.app(), 'chart');
    const p = s.probes.backend;
    new ApiObject(chart, 'backend', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'backend' },
      spec: {
        selector: { matchLabels: { app: 'backend' } },
        template: {
          metadata: { labels: { app: 'backend' } },
          spec: {
            containers: [{ name: p.name, image: 'registry.example/backend:1.0.0', ports: p.ports, startupProbe: p.startupProbe, livenessProbe: p.livenessProbe, readinessProbe: p.readinessProbe, securityContext: p.securityContext, volumeMounts: p.volumeMounts }],
            volumes: p.volumes,
          },
        },
      },
    });
    const [doc] = Testing.synth(chart);
    validateDeployment(doc);
    expect(doc.spec.template.spec.containers[0].livenessProbe).toEqual(s.snippet('backend').containers[0].livenessProbe);
  });

  test('no startupProbe with StartPeriodMapping.INITIAL_DELAY', () => {
    const t = build({}, { startPeriodMapping: StartPeriodMapping.INITIAL_DELAY });
    expect(t.probes.frontend.startupProbe).toBeUndefined();
    expect(t.probes.frontend.livenessProbe.initialDelaySeconds).toBe(5);
  });

  test('anything but a ContainerService is refused', () => {
    expect(errorOf(() => KubernetesProbes.of({} as any))).toBe('KubernetesProbes.service: must be a ContainerService (e.g. a FastApiBackend or StaticFrontend); received "object"');
  });
});

describe('alignment report', () => {
  const s = build();

  test('one section per container with Docker and Kubernetes values side by side', () => {
    expect(s.report).toMatch(/^## backend$/m);
    expect(s.report).toMatch(/^## frontend$/m);
    expect(s.report).toContain('| interval | `--interval=30s`, `interval: 30s` | livenessProbe `periodSeconds: 30` |');
    expect(s.report).toContain('| retries | `--retries=3`, `retries: 3` | livenessProbe `failureThreshold: 3` |');
    expect(s.report).toContain('| start period | `--start-period=10s`, `start_period: 10s`: failures do not count | startupProbe `failureThreshold: 6`, `periodSeconds: 2`: a 10 s budget, (failureThreshold - 1) x periodSeconds |');
    expect(s.report).toContain('| port | `EXPOSE 8000/tcp`, Compose `127.0.0.1:8000:8000` | `containerPort: 8000` named `http` |');
    expect(s.report).toContain('`USER 1000:1000`');
  });

  test('what the default settings mean in time', () => {
    const backend = s.report.slice(s.report.indexOf('## backend'), s.report.indexOf('## frontend'));
    expect(backend).toContain('| first check after the container starts | 30 s |');
    expect(backend).toContain('unhealthy at 90 s (start period, then 3 counted failures)');
    expect(backend).toContain('restarted no earlier than 10 s (startupProbe: initialDelaySeconds 0 + periodSeconds 2 x (failureThreshold 6 - 1) = 10s); up to one period + about 2 s later');
    expect(backend).toContain('unhealthy within 90 s (3 x 30 s)');
    expect(backend).toContain('restart within 100 s (3 x 30 s + 10 s)');
    expect(backend).toContain('unhealthy within 120 s (3 x (30 s + 10 s))');
    expect(backend).toContain('  start period (failures ignored) : dockerStart, 0, 10s\n  3 counted failures : dockerFailures, after dockerStart, 80s\n  unhealthy : milestone, dockerUnhealthy, after dockerFailures, 0s');
    expect(backend).toContain('  startupProbe budget : kubeStartup, 0, 10s\n  restart : milestone, kubeRestart, after kubeStartup, 0s');
  });

  test('with --start-interval Docker checks every start interval during the start period', () => {
    const timing = { interval: Duration.seconds(20), startPeriod: Duration.seconds(9), startInterval: Duration.seconds(3) };
    const t = build({ dockerStartInterval: true, timing });
    const backend = t.report.slice(t.report.indexOf('## backend'), t.report.indexOf('## frontend'));
    expect(backend).toContain('| first check after the container starts | 3 s |');
    // checks at 3, 6, 9 (counted from 9 s on), 29, 49: unhealthy at 49 s.
    expect(backend).toContain('unhealthy at 49 s');
  });

  test('filePath must be markdown', () => {
    const project = newProject();
    const b = new FastApiBackend(project, 'backend');
    expect(errorOf(() => new AlignmentReport(project, 'r', { services: [b], filePath: 'report.txt' }))).toBe('r.filePath: must be a path ending in .md; received "report.txt"');
  });
});

describe('one change in .projenrc.ts moves every output', () => {
  test('backend port 8000 -> 8081', () => {
    const before = build();
    const after = build({ port: 8081 });
    expect(before.compose.services.backend.ports[0].target).toBe(8000);
    expect(after.compose.services.backend.ports[0]).toEqual({ target: 8081, published: 8081, host_ip: '127.0.0.1', protocol: 'tcp' });
    expect(after.compose.services.backend.healthcheck.test[3]).toContain('http://127.0.0.1:8081/api/v1/health');
    expect(after.patch('backend').spec.template.spec.containers[0].ports[0].containerPort).toBe(8081);
    expect(after.helm('backend').service.port).toBe(8081);
    expect(after.probes.backend.ports[0].containerPort).toBe(8081);
    expect(after.report).toContain('`EXPOSE 8081/tcp`');
    expect(after.report).not.toContain('8000');
    expect(only(stage(parseDockerfile(after.files['backend/Dockerfile']), 'production'), 'EXPOSE').args).toEqual(['8081/tcp']);
  });

  test('frontend interval 30 s -> 20 s', () => {
    const after = build({}, { timing: { interval: Duration.seconds(20) } });
    expect(after.healthcheck('frontend').flags.interval).toBe('20s');
    expect(after.compose.services.frontend.healthcheck.interval).toBe('20s');
    expect(after.patch('frontend').spec.template.spec.containers[0].livenessProbe.periodSeconds).toBe(20);
    expect(after.helm('frontend').livenessProbe.periodSeconds).toBe(20);
    // The readinessProbe keeps its own period (readinessTiming).
    expect(after.helm('frontend').readinessProbe.periodSeconds).toBe(5);
    expect(after.probes.frontend.livenessProbe.periodSeconds).toBe(20);
    expect(after.snippet('frontend').containers[0].livenessProbe.periodSeconds).toBe(20);
    expect(after.report).toContain('| interval | `--interval=20s`, `interval: 20s` | livenessProbe `periodSeconds: 20` |');
    expect(after.report).toContain('unhealthy within 60 s (3 x 20 s)');
    // The backend's outputs stay where they were.
    expect(after.compose.services.backend.healthcheck.interval).toBe('30s');
  });

  test('user uid 1000 -> 1500', () => {
    const after = build({ user: { uid: 1500, gid: 1500 } });
    expect(after.compose.services.backend.user).toBe('1500:1500');
    expect(after.patch('backend').spec.template.spec.containers[0].securityContext.runAsUser).toBe(1500);
    expect(after.helm('backend').securityContext.runAsGroup).toBe(1500);
    expect(after.probes.backend.securityContext.runAsUser).toBe(1500);
    expect(after.report).toContain('`USER 1500:1500`');
  });
});

describe('ServiceOutputs', () => {
  test('every output on by default, each can be switched off', () => {
    const project = newProject();
    const b = new FastApiBackend(project, 'backend');
    const o = new ServiceOutputs(project, 'outputs', { services: [b] });
    expect([o.compose?.file.path, ...o.kustomizePatches.map((p) => p.file.path), ...o.helmValues.map((h) => h.file.path), o.report?.file.path])
      .toEqual(['compose.yaml', 'k8s/patches/backend.yaml', 'helm/backend.values.yaml', 'docs/health-alignment.md']);

    const off = newProject();
    const b2 = new FastApiBackend(off, 'backend');
    new ServiceOutputs(off, 'outputs', { services: [b2], compose: false, kustomize: false, helm: false, report: false });
    const files = Object.keys(synth(off));
    expect(files.filter((f) => /compose|patches|helm|alignment/.test(f))).toEqual([]);
  });

  test('the embedded example commits every output', () => {
    const example = path.resolve(__dirname, '..', 'examples', 'fullstack');
    for (const f of ['compose.yaml', 'k8s/patches/backend.yaml', 'k8s/patches/frontend.yaml', 'helm/backend.values.yaml', 'helm/frontend.values.yaml', 'docs/health-alignment.md']) {
      expect(fs.existsSync(path.join(example, f))).toBe(true);
    }
  });
});
