import { execFileSync } from 'child_process';
import * as YAML from 'yaml';
import { FastApiBackend, HealthCheck, NodeService, ServiceOutputs, StaticFrontend } from '../src';
import { kustomize, validateDeployment } from './outputs-util';
import { newProject, parseSnippet, synth } from './util';

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

  test.each([
    ['a different port number under the same name', [{ name: 'http', containerPort: 8000, protocol: 'TCP' }]],
    ['port 80 named http plus a metrics port', [{ name: 'http', containerPort: 80 }, { name: 'metrics', containerPort: 9100 }]],
    ['the same number under another name', [{ name: 'web', containerPort: 9000 }]],
    ['no ports at all', undefined],
  ])('backend moved to 9000, Deployment with %s: one port, http 9000', (_what, ports) => {
    const merged = kustomize(deployment('backend', ports as any), files['k8s/patches/backend.yaml']);
    validateDeployment(merged);
    const c = merged.spec.template.spec.containers.find((x: any) => x.name === 'backend');
    const want = parseSnippet(files['k8s/backend.yaml']).containers[0];
    expect(c.ports).toEqual([{ name: 'http', containerPort: 9000, protocol: 'TCP' }]);
    for (const k of ['startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext']) expect([k, c[k]]).toEqual([k, want[k]]);
    expect(c.readinessProbe.httpGet.port).toBe('http');
    expect(c.image).toBe('registry.example/app:1.0.0');
    // The sidecar keeps its own port.
    expect(merged.spec.template.spec.containers.find((x: any) => x.name === 'sidecar').ports).toEqual([{ name: 'http', containerPort: 80 }]);
    expect(backend.port).toBe(9000);
  });

  test('a worker: its Deployment\'s ports and readinessProbe are removed, its exec probes set', () => {
    const docs = YAML.parseAllDocuments(files['k8s/patches/worker.yaml']).map((d) => d.toJS());
    expect(docs.map((d) => d.spec.template.spec.containers[0].ports)).toEqual([null, undefined]);
    const merged = kustomize(deployment('worker', [{ name: 'http', containerPort: 8080 }]), files['k8s/patches/worker.yaml']);
    validateDeployment(merged);
    const c = merged.spec.template.spec.containers.find((x: any) => x.name === 'worker');
    expect(c.ports).toBeUndefined();
    expect(c.readinessProbe).toBeUndefined();
    expect(c.livenessProbe.exec.command).toEqual(['node', 'check.js']);
    expect(c.securityContext).toEqual(parseSnippet(files['k8s/worker.yaml']).containers[0].securityContext);
    expect(worker.port).toBeUndefined();
  });
});
