import { spawnSync } from 'child_process';
import * as path from 'path';

const root = path.resolve(__dirname, '..', '..');
const fixtures = path.join(__dirname, 'fixtures');

/** Runs the CLI (src/check/cli.ts through ts-node) as a child process. */
function cli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [
    require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', path.join(root, 'projenrc', 'tsconfig.json'),
    path.join(root, 'src', 'check', 'cli.ts'), ...args,
  ], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('projen-containers check (CLI)', () => {
  test('exit 0 and a zero summary on the example\'s own files (snippets and kustomize patches), --strict included', () => {
    const r = cli(['check', '--strict', 'examples/fullstack'], root);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe([
      'skipped examples/fullstack/k8s/patches/backend.yaml: a patch: its containers have no image: (a partial object; its base is checked)',
      'skipped examples/fullstack/k8s/patches/frontend.yaml: a patch: its containers have no image: (a partial object; its base is checked)',
      '0 error(s), 0 warning(s), 0 info; checked 2 Dockerfile(s), 2 container(s), 2 paired; skipped 2 file(s)',
      '',
    ].join('\n'));
    expect(r.status).toBe(0);
  }, 60_000);

  test('zero findings on every family of examples/services (distroless, nginx-unprivileged, gRPC probes with their own services)', () => {
    const r = cli(['check', '--strict', 'examples/services'], root);
    // api/Dockerfile and api/Dockerfile.worker pair with api and worker (the most specific name first).
    expect(r.stdout).toBe('0 error(s), 0 warning(s), 0 info; checked 5 Dockerfile(s), 5 container(s), 5 paired\n');
    expect(r.status).toBe(0);
  }, 60_000);

  test('exit 1 on errors; --format json lists each finding with file, line, rule, severity and fix', () => {
    const r = cli(['check', '--format', 'json', '.'], path.join(fixtures, 'cronjob', 'broken'));
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.summary).toEqual({ errors: 2, warnings: 0, infos: 0, hidden: 0, dockerfiles: 1, containers: 1, pairs: 1 });
    expect(out.skipped).toEqual([]);
    expect(out.findings.map((f: any) => [f.file, f.line, f.rule, f.severity, f.subject])).toEqual([
      ['cronjob.yaml', 13, 'PC009', 'error', 'CronJob/nightly-report/report'],
      ['cronjob.yaml', 18, 'PC011', 'error', 'CronJob/nightly-report/report'],
    ]);
    expect(out.findings[1].fix).toBe('Mount an emptyDir at the path, or move the writes under a mounted directory.');
  }, 60_000);

  test('text output: file:line, severity, rule, subject, message and the fix on the next line', () => {
    const r = cli(['check', 'cronjob.yaml', 'Dockerfile'], path.join(fixtures, 'cronjob', 'broken'));
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'cronjob.yaml:13: error PC009 [CronJob/nightly-report/report] runAsNonRoot: true with no runAsUser, and Dockerfile runs as root (no USER, and python:3.12-slim runs as root): the kubelet refuses to start the container',
      '    fix: Use a numeric non-root USER uid:gid in the Dockerfile, or set runAsUser.',
    ]);
  }, 60_000);

  test('warnings alone exit 0, and 1 with --strict; --pair with a stage', () => {
    const cwd = path.join(fixtures, 'pod-mapping', 'broken');
    const pair = ['--pair', 'app=images/web.Dockerfile:runtime', 'pod.yaml'];
    // The runtime stage's curl is an error; --map and --pair agree.
    expect(cli(['check', ...pair], cwd).status).toBe(1);
    const warnOnly = cli(['check', 'pod.yaml'], cwd);
    // No Dockerfile is named, so nothing answers to the images' names: no finding (a sidecar without a port needs no
    // probes); --verbose says why each container is unpaired.
    expect(warnOnly.stdout).toBe([
      '0 error(s), 0 warning(s), 0 info; checked 0 Dockerfile(s), 2 container(s), 0 paired',
      '',
    ].join('\n'));
    expect(cli(['check', '--verbose', 'pod.yaml'], cwd).stdout.split('\n').filter((l) => /^unpaired pod\.yaml:\d+ \[/.test(l)).length).toBe(2);
    expect(warnOnly.status).toBe(0);
    // The final (debug) stage gives info findings only (PC005, PC006, PC015): exit 0, and 1 with --strict.
    const debug = ['--pair', 'app=images/web.Dockerfile', 'pod.yaml'];
    expect(cli(['check', ...debug], cwd).status).toBe(0);
    expect(cli(['check', '--strict', ...debug], cwd).status).toBe(1);
  }, 60_000);

  test('exit 2 with a message on bad usage or input', () => {
    const cwd = path.join(fixtures, 'cronjob', 'aligned');
    expect(cli(['check', '--format', 'xml'], cwd)).toEqual({ status: 2, stdout: '', stderr: 'projen-containers: --format: must be text or json; received "xml"\n' });
    expect(cli(['check', 'missing-dir'], cwd)).toEqual({ status: 2, stdout: '', stderr: 'projen-containers: missing-dir: must be an existing file or directory; received a path that does not exist\n' });
    expect(cli(['lint'], cwd).status).toBe(2);
    expect(cli(['check', '--pair', 'Bad Name'], cwd).stderr).toBe('projen-containers: --pair: must be <Kind/workload/container>=<Dockerfile>[:<stage>] (Kind/ and workload/ optional); received "Bad Name"\n');
    // A name that matches no container is an error, never silently ignored.
    expect(cli(['check', '--pair', 'Deployment/api/server=Dockerfile'], cwd)).toEqual({
      status: 2,
      stdout: '',
      stderr: 'projen-containers: --pair Deployment/api/server=Dockerfile: must name a container as Kind/workload/container; received "Deployment/api/server", which matches none (containers: CronJob/nightly-report/report)\n',
    });
  }, 60_000);
});
