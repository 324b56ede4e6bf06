import { execFileSync } from 'child_process';
import * as YAML from 'yaml';
import { Duration, FastApiBackend, HealthCheck, HelmValues, KustomizePatch, NodeService, ServiceOutputs, StaticFrontend } from '../src';
import { hasHelm, helmTemplate, kustomize, kustomizeTree, validateDeployment } from './outputs-util';
import { errorOf, newProject, parseSnippet, synth } from './util';

/** A Deployment as a team has it: its container with `ports` (or none), a probe of its own and a sidecar. */
function deployment(name: string, ports: unknown[] | undefined): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name,
              image: 'registry.example/app:1.0.0',
              ...(ports ? { ports } : {}),
              readinessProbe: { httpGet: { path: '/old', port: 'http' }, periodSeconds: 3 },
              securityContext: { runAsUser: 0, privileged: true },
            },
            { name: 'sidecar', image: 'registry.example/sidecar:1.0.0', ports: [{ name: 'http', containerPort: 80 }] },
          ],
        },
      },
    },
  };
}

/**
 * The Deployment of the issue-25 report: a sidecar first, then the app with a second port (`metrics` 9090), the pod's
 * own grace period 45 s, the sidecar's volume `tmp` (given) mounted at its /tmp, and a ConfigMap volume.
 */
function withSidecar(container: string, tmpVolume: any): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'backend' },
    spec: {
      selector: { matchLabels: { app: 'backend' } },
      template: {
        metadata: { labels: { app: 'backend' } },
        spec: {
          terminationGracePeriodSeconds: 45,
          containers: [
            { name: 'sidecar', image: 'registry.example/proxy:1.0.0', volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'config', mountPath: '/etc/proxy' }] },
            {
              name: container,
              image: 'registry.example/app:1.0.0',
              ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
            },
          ],
          volumes: [{ name: 'tmp', ...tmpVolume }, { name: 'config', configMap: { name: 'proxy-config' } }],
        },
      },
    },
  };
}

const containerOf = (d: any, name: string) => d.spec.template.spec.containers.find((x: any) => x.name === name);

describe('kustomize patches leave exactly the model\'s port, probes and securityContext (real kubectl kustomize)', () => {
  test('kubectl with its built-in kustomize is here', () => {
    expect(execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' })).toMatch(/Kustomize Version: v\d+/);
  });

  const project = newProject();
  const backend = new FastApiBackend(project, 'backend', { port: 9000 });
  const worker = new NodeService(project, 'worker', { name: 'worker', noPort: true, healthCheck: HealthCheck.exec(['node', 'check.js']) });
  new StaticFrontend(project, 'frontend');
  new ServiceOutputs(project, 'outputs');
  const files = synth(project);

  // Since issue 25 the model's port is merged by containerPort and the Deployment's other ports stay (before, the
  // patch cleared them all): a port under the model's name on another number stays too, a duplicate name.
  const http9000 = { name: 'http', containerPort: 9000, protocol: 'TCP' };
  test.each([
    ['a different port number under the same name', [{ name: 'http', containerPort: 8000, protocol: 'TCP' }], [http9000, { name: 'http', containerPort: 8000, protocol: 'TCP' }]],
    ['port 80 named http plus a metrics port', [{ name: 'http', containerPort: 80 }, { name: 'metrics', containerPort: 9100 }], [http9000, { name: 'http', containerPort: 80 }, { name: 'metrics', containerPort: 9100 }]],
    ['the same number under another name', [{ name: 'web', containerPort: 9000, protocol: 'TCP' }], [http9000]],
    ['no ports at all', undefined, [http9000]],
  ])('backend moved to 9000, Deployment with %s: http 9000 merged by number, the other ports kept', (_what, ports, want) => {
    const merged = kustomize(deployment('backend', ports as any), files['k8s/patches/backend.yaml'], files['k8s/patches/backend.replacements.yaml']);
    validateDeployment(merged);
    const c = containerOf(merged, 'backend');
    const snippet = parseSnippet(files['k8s/backend.yaml']).containers[0];
    expect(c.ports).toEqual(want);
    for (const k of ['startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext']) expect([k, c[k]]).toEqual([k, snippet[k]]);
    expect(c.readinessProbe.httpGet.port).toBe('http');
    expect(c.image).toBe('registry.example/app:1.0.0');
    // The sidecar keeps its own port.
    expect(containerOf(merged, 'sidecar').ports).toEqual([{ name: 'http', containerPort: 80 }]);
    expect(backend.port).toBe(9000);
  });

  test('the same number under another name without `protocol`: kustomize drops the patch\'s port (kustomize#3620), the guard stops the build', () => {
    const own = deployment('backend', [{ name: 'web', containerPort: 9000 }]);
    // Without the guard the probes would name a port `http` the container does not have.
    expect(containerOf(kustomize(own, files['k8s/patches/backend.yaml']), 'backend').ports).toEqual([{ name: 'web', containerPort: 9000 }]);
    expect(() => kustomize(own, files['k8s/patches/backend.yaml'], files['k8s/patches/backend.replacements.yaml']))
      .toThrow(/fieldPath `spec\.template\.spec\.containers\.\[name=backend\]\.ports\.\[name=http\]\.name` is missing for replacement source/);
  });

  test('a worker: its Deployment\'s readinessProbe is removed and its ports kept (the model has none to replace), its exec probes set', () => {
    const docs = YAML.parseAllDocuments(files['k8s/patches/worker.yaml']).map((d) => d.toJS());
    expect(docs.map((d) => d.spec.template.spec.containers[0].ports)).toEqual([undefined, undefined]);
    const merged = kustomize(deployment('worker', [{ name: 'http', containerPort: 8080 }]), files['k8s/patches/worker.yaml'], files['k8s/patches/worker.replacements.yaml']);
    validateDeployment(merged);
    const c = containerOf(merged, 'worker');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080 }]);
    expect(c.readinessProbe).toBeUndefined();
    expect(c.livenessProbe.exec.command).toEqual(['node', 'check.js']);
    expect(c.securityContext).toEqual(parseSnippet(files['k8s/worker.yaml']).containers[0].securityContext);
    expect(worker.port).toBeUndefined();
  });
});

describe('the patch touches only its container (issue 25: a Deployment with a sidecar, real kubectl kustomize)', () => {
  /** The patch and guard of a FastAPI backend with the given options, and the snippet's container. */
  function outputs(options: object = {}, deploymentName?: string) {
    const project = newProject();
    const b = new FastApiBackend(project, 'backend', options);
    new KustomizePatch(project, 'patch', { service: b, deploymentName });
    new HelmValues(project, 'helm', { service: b });
    const files = synth(project);
    return { files, patch: files['k8s/patches/backend.yaml'], guard: files['k8s/patches/backend.replacements.yaml'], snippet: parseSnippet(files['k8s/backend.yaml']) };
  }
  const memory = { emptyDir: { medium: 'Memory' } };
  const configMap = { configMap: { name: 'proxy-tmp' } };

  test.each([
    ['an emptyDir of medium Memory', memory],
    ['a ConfigMap', configMap],
  ])('the sidecar\'s volume tmp (%s) stays as it is; the app\'s /tmp is the patch\'s own emptyDir backend-tmp', (_what, tmp) => {
    const o = outputs({ shutdownGracePeriod: Duration.seconds(20) });
    const merged = kustomize(withSidecar('backend', tmp), o.patch, o.guard);
    validateDeployment(merged);
    const volumes = merged.spec.template.spec.volumes;
    expect(volumes).toEqual(expect.arrayContaining([{ name: 'tmp', ...tmp }, { name: 'config', configMap: { name: 'proxy-config' } }, { name: 'backend-tmp', emptyDir: {} }]));
    expect(volumes).toHaveLength(3);
    expect(containerOf(merged, 'backend').volumeMounts).toEqual([{ name: 'backend-tmp', mountPath: '/tmp' }]);
    expect(containerOf(merged, 'sidecar').volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'config', mountPath: '/etc/proxy' }]);
    // The same names in the snippet and the Helm values.
    expect(o.snippet.volumes).toEqual([{ name: 'backend-tmp', emptyDir: {} }]);
    expect(o.snippet.containers[0].volumeMounts).toEqual([{ name: 'backend-tmp', mountPath: '/tmp' }]);
    const helm = YAML.parse(o.files['helm/backend.values.yaml']);
    expect([helm.volumes, helm.volumeMounts]).toEqual([o.snippet.volumes, o.snippet.containers[0].volumeMounts]);
  });

  test('the app\'s second port (metrics 9090) stays; the model\'s port 8000 is replaced by number; the sidecar is untouched', () => {
    const o = outputs();
    const base = withSidecar('backend', memory);
    const merged = kustomize(base, o.patch, o.guard);
    const c = containerOf(merged, 'backend');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }]);
    expect(c.image).toBe('registry.example/app:1.0.0');
    expect(containerOf(merged, 'sidecar')).toEqual(base.spec.template.spec.containers[0]);
    expect(merged.spec.template.spec.containers).toHaveLength(2);
  });

  test('the pod\'s own grace period 45 s is kept when the model needs no more than Kubernetes\' default 30 s (shutdownGracePeriod 20 s)', () => {
    const o = outputs({ shutdownGracePeriod: Duration.seconds(20) });
    // The snippet, a whole pod fragment, carries the model's 25 s; the patch, merged over the user's pod, does not.
    expect(o.snippet.terminationGracePeriodSeconds).toBe(25);
    expect(YAML.parseAllDocuments(o.patch).map((d) => d.toJS().spec.template.spec.terminationGracePeriodSeconds)).toEqual([undefined, undefined]);
    expect(kustomize(withSidecar('backend', memory), o.patch, o.guard).spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    const bare = withSidecar('backend', memory);
    delete bare.spec.template.spec.terminationGracePeriodSeconds;
    expect(kustomize(bare, o.patch, o.guard).spec.template.spec.terminationGracePeriodSeconds).toBeUndefined();
  });

  test('a model needing more than 30 s (shutdownGracePeriod 60 s) sets 65 s, raising 45 s; the file says it replaces a larger value', () => {
    const o = outputs({ shutdownGracePeriod: Duration.seconds(60) });
    expect(kustomize(withSidecar('backend', memory), o.patch, o.guard).spec.template.spec.terminationGracePeriodSeconds).toBe(65);
    const longer = withSidecar('backend', memory);
    longer.spec.template.spec.terminationGracePeriodSeconds = 90;
    // A strategic merge cannot compare: 90 becomes 65, and the patch's comment says so.
    expect(kustomize(longer, o.patch, o.guard).spec.template.spec.terminationGracePeriodSeconds).toBe(65);
    expect(o.patch).toContain('# terminationGracePeriodSeconds 65 (shutdownGracePeriod + 5 s, more than Kubernetes\' default 30 s) replaces the Deployment\'s own value: a strategic merge cannot keep the larger one.');
    expect(outputs({ shutdownGracePeriod: Duration.seconds(20) }).patch).not.toContain('terminationGracePeriodSeconds');
  });

  test('a Deployment whose container has another name: kustomize fails with the guard (without it, an image-less container is added)', () => {
    const o = outputs({}, 'backend');
    const other = withSidecar('api', memory);
    expect(() => kustomize(other, o.patch, o.guard)).toThrow(/fieldPath `spec\.template\.spec\.containers\.\[name=backend\]\.image` is missing for replacement source Deployment\..*\/backend/);
    // The gap the guard closes: the strategic merge alone adds a third container, without an image, and exits 0.
    const unguarded = kustomize(other, o.patch);
    expect(unguarded.spec.template.spec.containers.map((c: any) => [c.name, c.image])).toEqual(expect.arrayContaining([['backend', undefined], ['api', 'registry.example/app:1.0.0'], ['sidecar', 'registry.example/proxy:1.0.0']]));
    expect(unguarded.spec.template.spec.containers).toHaveLength(3);
  });

  test('the guard changes nothing when the container is there (the same output with and without it)', () => {
    const o = outputs({ shutdownGracePeriod: Duration.seconds(60) });
    const base = withSidecar('backend', configMap);
    expect(kustomize(base, o.patch, o.guard)).toEqual(kustomize(base, o.patch));
    const same = (fieldPath: string) => ({ source: { kind: 'Deployment', name: 'backend', fieldPath }, targets: [{ select: { kind: 'Deployment', name: 'backend' }, fieldPaths: [fieldPath] }] });
    expect(YAML.parse(o.guard)).toEqual([same('spec.template.spec.containers.[name=backend].image'), same('spec.template.spec.containers.[name=backend].ports.[name=http].name')]);
    expect(o.guard).toContain('# Guard of backend.yaml: list it under replacements: in the kustomization.yaml that lists the patch.');
  });
});

describe('the patch folder (kustomize loads patches only from the kustomization\'s folder or below)', () => {
  const base = withSidecar('backend', { emptyDir: {} });
  const baseFiles = { 'deploy/base/deployment.yaml': YAML.stringify(base), 'deploy/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n' };
  const overlay = (patchDir: string) => `resources:\n  - ../../base\npatches:\n  - path: ${patchDir}/backend.yaml\nreplacements:\n  - path: ${patchDir}/backend.replacements.yaml\n`;

  test('the default k8s/patches cannot be loaded from an overlay elsewhere (the reason for the option)', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend');
    new ServiceOutputs(project, 'outputs', { compose: false, helm: false, report: false });
    const files = synth(project);
    const r = kustomizeTree({ ...files, ...baseFiles, 'deploy/overlays/prod/kustomization.yaml': overlay('../../../k8s/patches') }, 'deploy/overlays/prod');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/security; file .* is not in or below/);
  });

  test.each<[string, { kustomizeDirectory?: string; kustomizeDirectories?: Record<string, string> }]>([
    ['kustomizeDirectory', { kustomizeDirectory: 'deploy/overlays/prod/patches' }],
    ['kustomizeDirectories', { kustomizeDirectories: { backend: 'deploy/overlays/prod/patches' } }],
  ])('%s puts the patch and its guard under the overlay, which kustomize loads', (_what, options) => {
    const project = newProject();
    new FastApiBackend(project, 'backend');
    new StaticFrontend(project, 'frontend');
    const o = new ServiceOutputs(project, 'outputs', { compose: false, helm: false, report: false, ...options });
    const files = synth(project);
    expect(o.kustomizePatches.map((p) => [p.file.path, p.guardFile.path])).toEqual([
      ['deploy/overlays/prod/patches/backend.yaml', 'deploy/overlays/prod/patches/backend.replacements.yaml'],
      [options.kustomizeDirectory ? 'deploy/overlays/prod/patches/frontend.yaml' : 'k8s/patches/frontend.yaml',
        options.kustomizeDirectory ? 'deploy/overlays/prod/patches/frontend.replacements.yaml' : 'k8s/patches/frontend.replacements.yaml'],
    ]);
    const r = kustomizeTree({ ...files, ...baseFiles, 'deploy/overlays/prod/kustomization.yaml': overlay('patches') }, 'deploy/overlays/prod');
    expect(r.stderr).toBe('');
    const c = containerOf(YAML.parse(r.stdout), 'backend');
    expect(c.livenessProbe.httpGet.path).toBe('/api/v1/health');
    expect(c.volumeMounts).toEqual([{ name: 'backend-tmp', mountPath: '/tmp' }]);
  });

  test('bad folders fail at construction, naming the option', () => {
    const cases: Array<[object, string]> = [
      [{ kustomizeDirectory: '../overlays' }, 'o.kustomizeDirectory: must be a relative path of [A-Za-z0-9._-/@+] without \'.\', \'..\', empty, .git, .projen or node_modules segments; received "../overlays"'],
      [{ kustomizeDirectory: '/abs/patches' }, 'o.kustomizeDirectory: must be a relative path'],
      [{ kustomizeDirectory: 'patches/' }, 'o.kustomizeDirectory: must be a relative path'],
      [{ kustomizeDirectories: { backend: 'a/../b' } }, 'o.kustomizeDirectories.backend: must be a relative path'],
      [{ kustomizeDirectories: { api: 'deploy' } }, 'o.kustomizeDirectories: must be container names of the listed services (backend); received "api"'],
    ];
    for (const [options, message] of cases) {
      const project = newProject();
      new FastApiBackend(project, 'backend');
      expect(errorOf(() => new ServiceOutputs(project, 'o', options))).toContain(message);
    }
  });
});

describe('Helm values carry the pod\'s grace period where the model needs it (issue 25)', () => {
  function values(shutdown: number): { text: string; doc: any } {
    const project = newProject();
    const b = new FastApiBackend(project, 'backend', { shutdownGracePeriod: Duration.seconds(shutdown) });
    new HelmValues(project, 'helm', { service: b });
    const text = synth(project)['helm/backend.values.yaml'];
    return { text, doc: YAML.parse(text) };
  }

  test('shutdownGracePeriod 60 s: terminationGracePeriodSeconds 65 at the top level; 20 s: none (the default 30 s covers 25 s)', () => {
    expect(values(60).doc.terminationGracePeriodSeconds).toBe(65);
    expect(Object.keys(values(60).doc)[0]).toBe('terminationGracePeriodSeconds');
    expect(values(20).doc).not.toHaveProperty('terminationGracePeriodSeconds');
  });

  (hasHelm() ? test : test.skip)('helm template of a helm create chart with docs/outputs/helm.md\'s block: the pod gets 65 s', () => {
    expect(helmTemplate(values(60).text).spec.template.spec.terminationGracePeriodSeconds).toBe(65);
    expect(helmTemplate(values(20).text).spec.template.spec.terminationGracePeriodSeconds).toBeUndefined();
  });
});

test('volume names are the container name and the path, cut to 63 characters; two that meet are an error', () => {
  const name = 'a'.repeat(55);
  expect(parseSnippet(synth((() => {
    const p = newProject();
    new FastApiBackend(p, 'backend', { name, writablePaths: ['/tmp', '/var/cache/app'] });
    return p;
  })())[`k8s/${name}.yaml`]).volumes.map((v: any) => v.name)).toEqual([`${name}-tmp`, `${name}-var-cac`]);
  expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { name, writablePaths: ['/var/cache/one', '/var/cache/two'] })))
    .toBe(`backend.writablePaths[1]: must be a path whose volume name (${name}-var-cac: the container name and the path, at most 63 characters) is unique; received "/var/cache/two"`);
});

test('errors of ServiceOutputs name the option (sanity: an unknown container in kustomizeDirectories with kustomize off is still checked)', () => {
  const project = newProject();
  new FastApiBackend(project, 'backend');
  expect(errorOf(() => new ServiceOutputs(project, 'o', { kustomize: false, kustomizeDirectories: { web: 'x' } }))).toBe('o.kustomizeDirectories: must be container names of the listed services (backend); received "web"');
});
