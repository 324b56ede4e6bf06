import { BaseImage, ContainerService, Duration, FastApiBackend, GoService, HealthCheck, NodeService, StaticFrontend } from '../src';
import { errorOf, listFiles, newProject } from './util';
import { nearestKey } from '../src/_validate';

// Options from a spread object, `.projenrc.js` or Python: no type check, so a typo must be refused at run time.
const untyped = (o: Record<string, unknown>): any => o;

describe('unknown option keys are refused, naming the key and the nearest known one', () => {
  test.each([
    // The case: a typo in a spread options object.
    ['StaticFrontend', () => new StaticFrontend(newProject(), 'frontend', { ...untyped({ nodeImgae: 'node:22-alpine' }) }),
      'frontend.nodeImgae: must be an option of StaticFrontendOptions (did you mean nodeImage?); received "node:22-alpine"'],
    ['NodeService', () => new NodeService(newProject(), 'api', untyped({ runtimeImgae: 'node:22-alpine' })),
      'api.runtimeImgae: must be an option of NodeServiceOptions (did you mean runtimeImage?); received "node:22-alpine"'],
    ['FastApiBackend', () => new FastApiBackend(newProject(), 'backend', untyped({ pythonVerison: '3.13' })),
      'backend.pythonVerison: must be an option of FastApiBackendOptions (did you mean pythonVersion?); received "3.13"'],
    ['GoService', () => new GoService(newProject(), 'server', untyped({ mainPackge: './cmd/server' })),
      'server.mainPackge: must be an option of GoServiceOptions (did you mean mainPackage?); received "./cmd/server"'],
    ['ContainerService', () => new ContainerService(newProject(), 'svc', untyped({ baseImage: BaseImage.debian('python:3.12-slim'), command: ['x'], systemPackage: ['curl'] })),
      'svc.systemPackage: must be an option of ContainerServiceProps (did you mean systemPackages?); received ["curl"]'],
    // A shared option on a preset, and a key set to undefined by a spread (still a typo).
    ['a shared option', () => new NodeService(newProject(), 'api', untyped({ healthcheck: undefined })),
      'api.healthcheck: must be an option of NodeServiceOptions (did you mean healthCheck?); received undefined'],
  ])('%s', (_name, build, message) => {
    expect(errorOf(build)).toBe(message);
  });

  test('nested options: timing, readinessTiming, user, labels and each check\'s options', () => {
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', untyped({ timing: { intervall: Duration.seconds(10) } })))).toBe(
      'backend.timing.intervall: must be an option of HealthTiming (did you mean interval?); received "10s"',
    );
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', untyped({ readinessTiming: { periodSeconds: 5 } })))).toBe(
      'backend.readinessTiming.periodSeconds: must be an option of ReadinessTiming (it has period, timeout, failureThreshold, successThreshold); received 5',
    );
    expect(errorOf(() => new NodeService(newProject(), 'api', untyped({ user: { uid: 2000, gidd: 2000 } })))).toBe(
      'api.user.gidd: must be an option of ContainerUser (did you mean gid?); received 2000',
    );
    expect(errorOf(() => new GoService(newProject(), 'server', untyped({ labels: { licence: 'MIT' } })))).toBe(
      'server.labels.licence: must be an option of OciLabels (did you mean licenses?); received "MIT"',
    );
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { healthCheck: HealthCheck.httpGet(untyped({ pth: '/health' })) }))).toBe(
      'backend.healthCheck.pth: must be an option of HttpGetCheckOptions (did you mean path?); received "/health"',
    );
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { readinessCheck: HealthCheck.tcpSocket(untyped({ path: '/ready' })) }))).toMatch(
      /^backend\.readinessCheck\.path: must be an option of TcpSocketCheckOptions \(it has port, host\); received "\/ready"$/,
    );
    expect(errorOf(() => new NodeService(newProject(), 'api', { healthCheck: HealthCheck.grpc(untyped({ serivce: 'app' })) }))).toBe(
      'api.healthCheck.serivce: must be an option of GrpcCheckOptions (did you mean service?); received "app"',
    );
  });

  test('a key far from every known one lists the known keys; nothing is written', () => {
    const project = newProject();
    const message = errorOf(() => new GoService(project, 'server', untyped({ zzz: 1 })));
    expect(message).toMatch(/^server\.zzz: must be an option of GoServiceOptions \(it has name, directory, .*, goImage, runtimeImage, imageFamily, mainPackage, command, .*\); received 1$/);
    expect(() => project.synth()).not.toThrow();
    expect(listFiles(project.outdir).filter((f) => f.startsWith('server') || f.startsWith('k8s'))).toEqual([]);
  });

  test('the nearest key: edit distance (a swap of neighbours counts 1), case-insensitive, within a third of the key', () => {
    expect(nearestKey('nodeImgae', ['nodeImage', 'nginxImage'])).toBe('nodeImage');
    expect(nearestKey('NODEIMAGE', ['nodeImage'])).toBe('nodeImage');
    expect(nearestKey('prot', ['port', 'portName'])).toBe('port');
    expect(nearestKey('xyz', ['timing'])).toBeUndefined();
  });

  test('the options of a preset, nested ones included, pass at run time (the key lists are complete)', () => {
    // The compiler keeps the lists complete (Record<keyof X, true>); this shows the common ones pass at run time.
    expect(() => new NodeService(newProject(), 'api', {
      name: 'api',
      port: 3000,
      buildImage: 'node:22-bookworm-slim',
      runtimeImage: 'node:22-bookworm-slim',
      command: ['npm', 'start'],
      buildPackages: ['python3'],
      systemPackages: ['ca-certificates'],
      timing: { interval: Duration.seconds(30), retries: 3 },
      readinessTiming: { period: Duration.seconds(5) },
      user: { name: 'node', uid: 1000, group: 'node', gid: 1000, existing: true },
      labels: { vendor: 'ACME', extra: { 'com.acme.team': 'shop' } },
      healthCheck: HealthCheck.httpGet({ path: '/health', port: 3000, host: '127.0.0.1', headers: { 'X-Check': '1' } }),
      readinessCheck: HealthCheck.httpGet({ path: '/ready' }),
    })).not.toThrow();
  });
});
