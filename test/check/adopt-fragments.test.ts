import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import * as ts from 'typescript';
import { fragmentTypeErrors } from './fragment-util';
import * as lib from '../../src';
import { check } from '../../src/check/_check';
import { adoptAll, emitProjenrc, fixOf } from '../../src/check/adopt';
import { main } from '../../src/check/cli';

const fixtures = path.join(__dirname, 'fixtures');

function fragmentOf(cwd: string): string {
  const result = check({ paths: ['.'], cwd });
  return emitProjenrc(result.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), cwd);
}

/** Type errors of the fragment as a .projenrc.ts (fragment-util.ts). */
const typeErrors = (fragment: string): string[] => fragmentTypeErrors(fragment, '__fragment__.ts');

/** Runs the fragment as a .projenrc.ts would, in `outdir`; returns the error, if any. */
function runIn(fragment: string, outdir: string): string | undefined {
  const js = ts.transpileModule(fragment, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  try {
    const project = new Project({ name: 'adopted', outdir });
    new Function('require', 'exports', 'project', js)(() => lib, {}, project);
    project.synth();
    return undefined;
  } catch (e) {
    return (e as Error).message.split('\n')[0];
  }
}

/** A copy of a fixture repository in a temporary folder. */
function copyOf(dir: string): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-fragment-repo-'));
  fs.cpSync(dir, out, { recursive: true });
  return out;
}

const notAdopted = (f: string) => f.split('\n').filter((l) => l.startsWith('// not adopted'));

describe('fragments that work where they go (issue 26, item 3)', () => {
  test('imports name exactly what the statements use: no Duration without timing, and it compiles under noUnusedLocals', () => {
    const f = fragmentOf(path.join(fixtures, 'fragments', 'no-timing'));
    // Duration for the readinessProbe's timing (the manifest's, Kubernetes' defaults), Instruction for its COPY; no
    // CheckTool, no StartPeriodMapping, and no name that appears only inside a string ("Dockerfile:2 COPY").
    expect(f.split('\n')[0]).toBe("import { BaseImage, ContainerService, Duration, HealthCheck, Instruction } from 'projen-containers';");
    expect(typeErrors(f)).toEqual([]);
  }, 120_000);

  test('a port below 1024 beside an unpinned base: adopted with lowPortSysctl (before: refused over the port), the base carried, opted in', () => {
    const f = fragmentOf(path.join(fixtures, 'fragments', 'many-reasons'));
    expect(notAdopted(f)).toEqual([]);
    expect(f).toContain('  port: 80,\n  portName: "http",\n  lowPortSysctl: true,\n');
    expect(f).toContain('// changes: sysctl net.ipv4.ip_unprivileged_port_start: (none) -> 80 (lowPortSysctl: ');
    expect(f).toContain('  baseImage: BaseImage.fromUnpinnedReference("debian:latest"),');
    expect(typeErrors(f)).toEqual([]);
  }, 60_000);

  test('an unpinned base (no tag): carried as it is through BaseImage.fromUnpinnedReference, the statement saying how to pin it', () => {
    const cwd = path.join(fixtures, 'fragments', 'unpinned');
    const f = fragmentOf(cwd);
    expect(notAdopted(f)).toEqual([]);
    expect(f).toContain('  // The base image python is not pinned (no tag, Dockerfile:1), as in the original: each build may take another image. Pin it in both places: FROM python:<version> and BaseImage.fromReference("python:<version>").');
    expect(f).toContain('  baseImage: BaseImage.fromUnpinnedReference("python"),');
    expect(typeErrors(f)).toEqual([]);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-fragment-'));
    try {
      expect(runIn(f, outdir)).toBeUndefined();
      expect(fs.readFileSync(path.join(outdir, 'Dockerfile'), 'utf8')).toMatch(/^FROM python AS production$/m);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
    // The round trip: the same base, nothing unlisted.
    const result = check({ paths: ['.'], cwd });
    const parts = adoptAll(result.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), cwd, { roundTrip: true });
    expect(parts.map((p) => p.refusals)).toEqual([[]]);
    expect(parts[0].roundTrip!.differences.filter((d) => d.class === 'unlisted')).toEqual([]);
  }, 120_000);

  test('no CMD (the command comes from an unknown base image): adopted with baseImageCommand, the generated Dockerfile writes no CMD either', () => {
    const f = fragmentOf(path.join(fixtures, 'fragments', 'no-cmd'));
    expect(notAdopted(f)).toEqual([]);
    expect(f).toContain('  baseImageCommand: true,\n');
    expect(f).not.toMatch(/^\s*command:/m);
    expect(typeErrors(f)).toEqual([]);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-fragment-'));
    try {
      expect(runIn(f, outdir)).toBeUndefined();
      expect(fs.readFileSync(path.join(outdir, 'Dockerfile'), 'utf8')).not.toMatch(/^(CMD|ENTRYPOINT)\b/m);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);

  test('distroless without a check program and without a HEALTHCHECK: adopted with noDockerHealthcheck, synthesizing HEALTHCHECK NONE', () => {
    const f = fragmentOf(path.join(fixtures, 'round-trip', 'go-multistage'));
    expect(notAdopted(f)).toEqual([]);
    expect(f).toContain('  noDockerHealthcheck: true,');
    expect(typeErrors(f)).toEqual([]);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-fragment-'));
    try {
      expect(runIn(f, outdir)).toBeUndefined();
      const dockerfile = fs.readFileSync(path.join(outdir, 'Dockerfile'), 'utf8');
      expect(dockerfile.split('\n').filter((l) => l.startsWith('HEALTHCHECK'))).toEqual(['HEALTHCHECK NONE']);
      // The kubelet's probes as the manifest has them.
      expect(fs.readFileSync(path.join(outdir, 'k8s', 'api.yaml'), 'utf8')).toContain('path: /livez');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 120_000);

  test('FROM scratch: adopted on BaseImage.scratch(), USER 65534:65534 numeric and not created; the fragment compiles and synthesizes FROM scratch', () => {
    const f = fragmentOf(path.join(fixtures, 'fragments', 'scratch'));
    expect(notAdopted(f)).toEqual([]);
    expect(f).toContain('  baseImage: BaseImage.scratch(),');
    expect(f).toContain('  user: { uid: 65534, gid: 65534 },');
    // No HEALTHCHECK in the original and no program to run one: the kubelet's probes only.
    expect(f).toContain('  noDockerHealthcheck: true,');
    expect(typeErrors(f)).toEqual([]);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-fragment-scratch-'));
    try {
      expect(runIn(f, outdir)).toBeUndefined();
      const dockerfile = fs.readFileSync(path.join(outdir, 'Dockerfile'), 'utf8');
      expect(dockerfile).toMatch(/^FROM scratch AS production$/m);
      expect(dockerfile).toMatch(/^USER 65534:65534$/m);
      // The final stage runs nothing (no shell): no RUN after FROM scratch.
      expect(dockerfile.split('FROM scratch AS production')[1]).not.toMatch(/^RUN /m);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);

  test('a constructs\' message that says what to set is its own fix', () => {
    expect(fixOf('user', "op.user.uid: must be an id the base image does not already use (65534 is nobody/nogroup on Debian and Alpine; creating it fails the build): to run as that account without creating it, set user { name: 'nobody', uid: 65534, group: 'nogroup', gid: 65534, existing: true }; received 65534"))
      .toBe("to run as that account without creating it, set user { name: 'nobody', uid: 65534, group: 'nogroup', gid: 65534, existing: true }");
    expect(fixOf('timing', 'a.timing.timeout: must be at most the interval (10s); received "15s"')).toBe('set timing in the statement so that timeout <= interval (and, with dockerStartInterval, startInterval <= interval)');
  });

  test('a startupProbe period above the liveness period is adopted: Kubernetes has no such rule (Docker\'s --start-interval is not written)', () => {
    const f = fragmentOf(path.join(fixtures, 'fragments', 'start-interval'));
    expect(notAdopted(f)).toEqual([]);
    expect(f).toContain('startInterval: Duration.seconds(20)');
    // The rule stays for Docker's flag.
    const project = new Project({ name: 'si', outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'pc-si-')) });
    const timing = { interval: lib.Duration.seconds(10), timeout: lib.Duration.seconds(1), startInterval: lib.Duration.seconds(20) };
    new lib.ContainerService(project, 'a', { baseImage: lib.BaseImage.debian('debian:12-slim'), command: ['/a'], timing });
    expect(() => new lib.ContainerService(project, 'b', { baseImage: lib.BaseImage.debian('debian:12-slim'), command: ['/b'], timing, dockerStartInterval: true }))
      .toThrow("b.timing.startInterval: must be at most the interval (10s) when Docker's --start-interval is written (dockerStartInterval)");
    project.synth();
    expect(fs.readFileSync(path.join(project.outdir, 'k8s', 'a.yaml'), 'utf8')).toContain('periodSeconds: 20');
  }, 60_000);

  test('a Dockerfile at the repository root: directory "." is adopted and writes ./Dockerfile', () => {
    const f = fragmentOf(path.join(fixtures, 'fragments', 'start-interval'));
    expect(f).toContain('  directory: ".",');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-root-'));
    expect(runIn(f, outdir)).toBeUndefined();
    expect(fs.readFileSync(path.join(outdir, 'Dockerfile'), 'utf8')).toContain('CMD ["/usr/local/bin/jobs"]');
    expect(fs.existsSync(path.join(outdir, '.dockerignore'))).toBe(true);
  }, 60_000);

  test('run inside its repository (its own Dockerfile and .dockerignore present) the fragment prints exactly one opt-in; with it, it synthesizes and keeps the .dockerignore lines', () => {
    const repo = path.join(fixtures, 'round-trip', 'shell-cmd');
    const f = fragmentOf(repo);
    expect(f.split('\n').filter((l) => l.includes('opt-in') || l.includes('replaceExisting'))).toEqual([
      "  // opt-in: the repository's own .dockerignore, Dockerfile are at paths this statement writes; projen replaces them only with the next line (a .dockerignore's lines are kept in the generated one)",
      '  // replaceExisting: true,',
    ]);
    const unedited = copyOf(repo);
    expect(runIn(f, unedited)).toMatch(/^web\.replaceExisting: must be true to replace /);
    const opted = copyOf(repo);
    expect(runIn(f.replace('  // replaceExisting: true,', '  replaceExisting: true,'), opted)).toBeUndefined();
    expect(fs.readFileSync(path.join(opted, '.dockerignore'), 'utf8')).toContain('\nsecrets/\n');
    for (const d of [unedited, opted]) fs.rmSync(d, { recursive: true, force: true });
  }, 60_000);

  test('a container without a Dockerfile and a Dockerfile without a container are named, each with the way to pair it', () => {
    let out = '';
    main(['check', '--emit-projenrc', '.'], path.join(__dirname, 'fixtures', 'pod-mapping', 'broken'), (s) => { out += s; }, () => undefined);
    expect(out).toMatch(/\/\/ not adopted: .*: no Dockerfile paired with it; fix: --pair /);
  }, 60_000);
});
