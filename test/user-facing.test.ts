import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration as Cdk8sDuration } from 'cdk8s';
import { javascript, Testing, typescript } from 'projen';
import { BaseImage, ContainerService, Duration, FastApiBackend, ServiceOutputs, StaticFrontend } from '../src';
import { newProject, synth } from './util';
import { INPUTS_DOC, ValidationError } from '../src/_errors';

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('a validation error as the user sees it', () => {
  test('its stack is the message, the docs page, then no frame of this library', () => {
    const project = newProject();
    const e = thrown(() => new FastApiBackend(project, 'backend', { port: 80 }));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe('backend.port: must be from 1024 to 65535 (a non-root process cannot bind below 1024; Trivy KSV-0117), or set lowPortSysctl: true to keep the app\'s port (the pod sysctl net.ipv4.ip_unprivileged_port_start lets the non-root process bind it); received 80');
    const lines = e.stack!.split('\n');
    expect(lines[0]).toBe(`ValidationError: ${e.message}`);
    expect(lines[1]).toBe(`  docs: ${INPUTS_DOC}`);
    const root = path.resolve(__dirname, '..');
    // No frame in src/ (the library) or node_modules (projen, constructs, jest); this test file's frame stays.
    expect(lines.filter((l) => l.includes(path.join(root, 'src')) || l.includes('node_modules'))).toEqual([]);
    expect(lines.some((l) => l.includes(__filename))).toBe(true);
  });

  test('the docs page it names exists and lists the field', () => {
    expect(INPUTS_DOC).toBe(path.resolve(__dirname, '..', 'docs', 'inputs.md'));
    expect(fs.readFileSync(INPUTS_DOC, 'utf8')).toContain('| `port` |');
  });

  test('a synth-time (preSynthesize) error has the same shape', () => {
    const project = newProject();
    new ContainerService(project, 'svc', { baseImage: BaseImage.debian('debian:12.8'), command: ['/app/server'], from: 'build' });
    const e = thrown(() => project.synth());
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe('svc.from: must be the name of a build stage (none); received "build"');
    expect(e.stack!.split('\n')[1]).toBe(`  docs: ${INPUTS_DOC}`);
    expect(e.stack).not.toMatch(/node_modules|[/\\]src[/\\]/);
  });

  test('PROJEN_CONTAINERS_STACK=1 keeps every frame', () => {
    process.env.PROJEN_CONTAINERS_STACK = '1';
    try {
      const e = thrown(() => new FastApiBackend(newProject(), 'backend', { port: 80 }));
      expect(e.stack).toContain(path.join('src', '_validate.ts'));
    } finally {
      delete process.env.PROJEN_CONTAINERS_STACK;
    }
  });
});

describe('Duration.fromCdk', () => {
  test('takes a cdk8s Duration', () => {
    expect(Duration.fromCdk(Cdk8sDuration.seconds(30)).toSeconds()).toBe(30);
    expect(Duration.fromCdk(Cdk8sDuration.minutes(2)).toString()).toBe('120s');
    expect(Duration.fromCdk(Cdk8sDuration.millis(1500)).toString()).toBe('1500ms');
  });

  test('takes an aws-cdk-lib Duration (same shape: toMilliseconds(opts?))', () => {
    // aws-cdk-lib is not a dependency; this object has the public surface its Duration has.
    const awsCdkLike = { toMilliseconds: (_opts?: { integral?: boolean }) => 45_000, toHumanString: () => '45 seconds' };
    expect(Duration.fromCdk(awsCdkLike).toSeconds()).toBe(45);
  });

  test('the converted value reaches the HEALTHCHECK and the probes', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend', { timing: { interval: Duration.fromCdk(Cdk8sDuration.seconds(20)) } });
    const files = synth(project);
    expect(files['backend/Dockerfile']).toContain('HEALTHCHECK --interval=20s ');
    expect(files['k8s/backend.yaml']).toMatch(/livenessProbe:[\s\S]*?periodSeconds: 20\n/);
  });

  test('a fraction of a second is refused where it is used, with the field path', () => {
    const e = thrown(() => new FastApiBackend(newProject(), 'backend', { timing: { interval: Duration.fromCdk(Cdk8sDuration.millis(1500)) } }));
    expect(e.message).toBe('backend.timing.interval: must be a whole number of seconds (Kubernetes probes take whole seconds); received "1500ms"');
  });

  test('an object without toMilliseconds() is refused', () => {
    expect(thrown(() => Duration.fromCdk({} as any)).message).toBe('Duration.fromCdk: must be a duration whose toMilliseconds() returns a finite number; received undefined');
  });
});

describe('generated files stay out of the npm package of a projen Node project', () => {
  test('each generated file is excluded in .npmignore', () => {
    // Its own temp outdir: without one, projen takes the current folder when that is under os.tmpdir() (a checkout
    // there), and Testing.synth removes the outdir when it is done.
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-user-facing-'));
    const project = new typescript.TypeScriptProject({ name: 'my-app', outdir, defaultReleaseBranch: 'main', packageManager: javascript.NodePackageManager.NPM });
    const backend = new FastApiBackend(project, 'backend');
    const frontend = new StaticFrontend(project, 'frontend');
    new ServiceOutputs(project, 'outputs', { services: [backend, frontend] });
    const files = Testing.synth(project); // no post-synthesis step (npm install)
    const ignored = files['.npmignore'].split('\n');
    for (const f of ['backend/Dockerfile', 'backend/.dockerignore', 'frontend/Dockerfile', 'frontend/nginx.conf', 'k8s/backend.yaml', 'k8s/frontend.yaml',
      'compose.yaml', 'k8s/patches/backend.yaml', 'helm/frontend.values.yaml', 'docs/health-alignment.md']) {
      expect(files[f]).toBeDefined();
      expect(ignored).toContain(`/${f}`);
    }
  });
});
