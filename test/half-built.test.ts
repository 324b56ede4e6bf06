import { BaseImage, ContainerService, DockerfileStage, FastApiBackend, GoService, NodeService, StaticFrontend } from '../src';
import { errorOf, listFiles, newProject, synth } from './util';

describe('a caught constructor error leaves nothing for synth', () => {
  test('after caught errors of every construct, synth writes the good containers and nothing of the bad ones', () => {
    const project = newProject();
    // Refused by the model, by a preset's own option, by an instruction added after the model, by a path clash.
    expect(errorOf(() => new FastApiBackend(project, 'backend', { port: 80 }))).toMatch(/^backend\.port: must be from 1024/);
    expect(errorOf(() => new NodeService(project, 'node', { installCommands: [] }))).toBe('node.installCommands: must be a non-empty array of commands; received []');
    expect(errorOf(() => new GoService(project, 'server', { mainPackage: 'cmd/x' }))).toMatch(/^server\.mainPackage: must be a package path/);
    expect(errorOf(() => new ContainerService(project, 'svc', { baseImage: BaseImage.debian('python:3.12-slim'), command: ['x'], buildStages: ['build' as unknown as DockerfileStage] }))).toMatch(/^svc\.buildStages: must be DockerfileStage instances/);
    new NodeService(project, 'ok', { name: 'ok' });
    expect(errorOf(() => new NodeService(project, 'clash', { name: 'clash', directory: 'ok' }))).toMatch(/^clash\.dockerfileName: must be a path no other container writes: ok already writes ok\/Dockerfile/);

    // Before the fix: TypeError: Cannot read properties of undefined (reading 'timing').
    const files = synth(project);
    expect(Object.keys(files).filter((f) => !f.startsWith('.')).sort()).toEqual(['k8s/ok.yaml', 'ok/.dockerignore', 'ok/Dockerfile']);
    // The shared .dockerignore got nothing of the container that failed.
    expect(files['ok/.dockerignore']).not.toMatch(/clash/);
    expect(project.components.filter((c) => c instanceof ContainerService).map((c) => (c as ContainerService).name)).toEqual(['ok']);
  });

  test('the same id and paths can be declared again once the options are fixed', () => {
    const project = newProject();
    expect(errorOf(() => new FastApiBackend(project, 'backend', { port: 80 }))).toMatch(/^backend\.port/);
    expect(errorOf(() => new ContainerService(project, 'svc', { baseImage: BaseImage.debian('python:3.12-slim'), command: ['x'], buildStages: [1 as unknown as DockerfileStage] }))).toMatch(/^svc\.buildStages/);
    new FastApiBackend(project, 'backend', { port: 8000 });
    new ContainerService(project, 'svc', { baseImage: BaseImage.debian('python:3.12-slim'), command: ['x'] });
    const files = synth(project);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['backend/Dockerfile', 'k8s/backend.yaml', 'svc/Dockerfile', 'k8s/svc.yaml']));
  });

  test('a project whose only construct failed synthesizes nothing of it', () => {
    const project = newProject();
    expect(errorOf(() => new NodeService(project, 'node', { buildOutput: '../dist', buildCommands: ['npm run build'] }))).toMatch(/^node\.buildOutput/);
    project.synth();
    expect(listFiles(project.outdir).filter((f) => !f.startsWith('.'))).toEqual([]);
  });
});

describe('a caught StaticFrontend error (after the base class declared the container) leaves nothing for synth', () => {
  test('a bad proxy, caught, then the frontend declared again: synth writes one good frontend', () => {
    const project = newProject();
    const backend = new FastApiBackend(project, 'backend');
    // Refused after super(): the proxy and assetsPath checks run on the model.
    expect(errorOf(() => new StaticFrontend(project, 'frontend', { proxies: [{ path: 'api', service: backend }] }))).toMatch(/^frontend\.proxies\[0\]\.path: must be/);
    expect(errorOf(() => new StaticFrontend(project, 'frontend', { assetsPath: 'assets' }))).toMatch(/^frontend\.assetsPath: must be/);
    // Before the fix: TypeError: Cannot read properties of undefined (reading 'setContent').
    new StaticFrontend(project, 'frontend', { proxies: [{ path: '/api', service: backend }] });
    const files = synth(project);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['frontend/Dockerfile', 'frontend/nginx.conf', 'frontend/.dockerignore', 'k8s/frontend.yaml']));
    expect(files['frontend/nginx.conf']).toMatch(/location = \/api \{/);
    expect(project.components.filter((c) => c instanceof StaticFrontend)).toHaveLength(1);
  });
});
