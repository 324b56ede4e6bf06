import { ComposeFile, EcsHealthCheck, FastApiBackend, HealthCheck, HelmValues, KustomizePatch, ServiceOutputs, StaticFrontend } from '../src';
import { errorOf, newProject, synth } from './util';

// Options given as a variable (or from JavaScript, or Python) are not checked by the compiler: a typo in them was
// dropped unseen, and the output went on as if the option were unset (a trial user's `compse: false` wrote compose.yaml).
describe('unknown keys in the outputs\' options and in proxy routes are refused, and nothing is written', () => {
  test('ServiceOutputs: compse is refused naming compose; the project still synthesizes without it', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    const options: any = { services: [backend], compse: false };
    expect(errorOf(() => new ServiceOutputs(project, 'outputs', options))).toBe('outputs.compse: must be an option of ServiceOutputsOptions (did you mean compose?); received false');
    // Before super(): nothing of the refused construct is left, so the project synthesizes without a compose.yaml.
    expect(Object.keys(synth(project))).not.toContain('compose.yaml');
  });

  test('a proxy route with upstreamPth is refused naming upstreamPath', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    const route: any = { path: '/api/orders', service: backend, upstreamPth: '/orders' };
    expect(errorOf(() => new StaticFrontend(project, 'frontend', { proxies: [route] }))).toBe('frontend.proxies[0].upstreamPth: must be an option of NginxProxy (did you mean upstreamPath?); received "/orders"');
  });

  test('ComposeFile, its dependencies and settings, KustomizePatch, HelmValues, EcsHealthCheck', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    const frontend = new StaticFrontend(project, 'frontend');
    const bad = (o: object): any => o;
    expect(errorOf(() => new ComposeFile(project, 'c1', bad({ services: [backend], publishPort: false })))).toBe('c1.publishPort: must be an option of ComposeFileOptions (did you mean publishPorts?); received false');
    expect(errorOf(() => new ComposeFile(project, 'c2', { services: [backend, frontend], dependencies: [bad({ service: frontend, dependOn: backend })] }))).toMatch(/^c2\.dependencies\[0\]\.dependOn: must be an option of ComposeDependency \(did you mean dependsOn\?\); received ".*\/backend"$/);
    expect(errorOf(() => new ComposeFile(project, 'c3', { services: [backend], serviceSettings: [bad({ service: backend, enviroment: { A: '1' } })] }))).toMatch(/^c3\.serviceSettings\[0\]\.enviroment: must be an option of ComposeServiceSettings \(did you mean environment\?\)/);
    expect(errorOf(() => new KustomizePatch(project, 'k', bad({ service: backend, deployment: 'api' })))).toMatch(/^k\.deployment: must be an option of KustomizePatchOptions \(it has service, deploymentName, filePath\); received "api"$/);
    expect(errorOf(() => new HelmValues(project, 'h', bad({ service: backend, file: 'x.yaml' })))).toMatch(/^h\.file: must be an option of HelmValuesOptions/);
    expect(errorOf(() => new EcsHealthCheck(project, 'e', bad({ service: backend, filepath: 'x.json' })))).toMatch(/^e\.filepath: must be an option of EcsHealthCheckOptions \(did you mean filePath\?\)/);
  });

  test('a value object in a misspelt key shows as its class, not its private fields', () => {
    const options: any = { healtCheck: HealthCheck.httpGet({ path: '/h' }) };
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', options))).toBe('backend.healtCheck: must be an option of FastApiBackendOptions (did you mean healthCheck?); received "a HealthCheck"');
  });
});
