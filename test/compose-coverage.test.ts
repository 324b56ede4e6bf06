import * as YAML from 'yaml';
import { ComposeFile, FastApiBackend, HealthCheck, NodeService, ServiceOutputs, StaticFrontend } from '../src';
import { errorOf, listFiles, newProject, synth } from './util';

describe('Compose host ports', () => {
  test('two services publishing the same host port are refused at synth, naming both; nothing is written', () => {
    const project = newProject();
    const a = new FastApiBackend(project, 'backend');
    const b = new FastApiBackend(project, 'backend2', { name: 'backend2' });
    new ComposeFile(project, 'compose', { services: [a, b] });
    expect(errorOf(() => project.synth())).toBe(
      'compose.services: must be containers publishing different host ports: backend and backend2 both publish 127.0.0.1:8000; give one of them another port, or set publishPorts: false (services still reach each other by name); received "backend, backend2"',
    );
    expect(listFiles(project.outdir)).toEqual([]);
  });

  test('a worker (no port) beside a service on 8080, and publishPorts: false, are fine', () => {
    const project = newProject();
    const web = new StaticFrontend(project, 'frontend');
    const worker = new NodeService(project, 'worker', { name: 'worker', noPort: true, healthCheck: HealthCheck.exec(['node', 'check.js']) });
    const api = new NodeService(project, 'api', { name: 'api', port: 8080 });
    new ComposeFile(project, 'compose', { services: [web, worker] });
    new ComposeFile(project, 'compose2', { services: [web, api], publishPorts: false, filePath: 'compose.internal.yaml' });
    const files = synth(project);
    const doc = YAML.parse(files['compose.yaml']);
    expect(doc.services.frontend.ports).toEqual([{ target: 8080, published: 8080, host_ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(doc.services.worker.ports).toBeUndefined();
    expect(YAML.parse(files['compose.internal.yaml']).services.api.ports).toBeUndefined();
  });
});

describe('ServiceOutputs covers every container service by default', () => {
  test('no services option: every container of the project, in Compose, Helm, the patches and the report', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend');
    new StaticFrontend(project, 'frontend');
    new ServiceOutputs(project, 'outputs');
    const files = synth(project);
    expect(Object.keys(YAML.parse(files['compose.yaml']).services)).toEqual(['backend', 'frontend']);
    expect(Object.keys(files).filter((f) => /^(helm|k8s\/patches)\//.test(f)).sort()).toEqual([
      'helm/backend.values.yaml', 'helm/frontend.values.yaml', 'k8s/patches/backend.replacements.yaml', 'k8s/patches/backend.yaml',
      'k8s/patches/frontend.replacements.yaml', 'k8s/patches/frontend.yaml',
    ]);
    expect(files['docs/health-alignment.md']).toContain('## frontend');
  });

  test('a container left out: a warning unless excluded on purpose', () => {
    const project = newProject();
    const warn = jest.spyOn(project.logger, 'warn');
    const backend = new FastApiBackend(project, 'backend');
    const frontend = new StaticFrontend(project, 'frontend');
    new ServiceOutputs(project, 'outputs', { services: [backend] });
    synth(project);
    expect(warn.mock.calls.map((c) => c.join(' '))).toContain(
      'outputs.services: container frontend is not covered (no Compose service, Helm values, kustomize patch or report section); list it in services, or in exclude to leave it out on purpose',
    );

    const p2 = newProject();
    const warn2 = jest.spyOn(p2.logger, 'warn');
    new FastApiBackend(p2, 'backend');
    const f2 = new StaticFrontend(p2, 'frontend');
    new ServiceOutputs(p2, 'outputs', { exclude: [f2] });
    const files = synth(p2);
    expect(Object.keys(YAML.parse(files['compose.yaml']).services)).toEqual(['backend']);
    expect(warn2.mock.calls.map((c) => c.join(' ')).filter((l) => l.includes('not covered'))).toEqual([]);
    expect(errorOf(() => new ServiceOutputs(newProject(), 'o', { services: [frontend], exclude: [frontend] }))).toBe('o.exclude: must be containers not also listed in services; received "frontend"');
  });
});
