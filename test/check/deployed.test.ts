/**
 * The checker reads only what is deployed (issue 27 item 2) and keeps only findings that carry a defect (item 3), on
 * fixtures written for this test under test/check/deployed/: test and tooling trees skipped with one note, kustomize
 * entries turned off and patches, PC018 only where Compose runs the image without a check and a restarter reads its health, PC013 only
 * where identical probes can harm, ARG/ENV in `RUN useradd` and the standard accounts.
 */
import * as path from 'path';
import { check, CheckResult } from '../../src/check/_check';

const fixtures = path.join(__dirname, 'deployed');
const run = (dir: string, paths = ['.']): CheckResult => check({ paths, cwd: path.join(fixtures, dir) });
const rows = (r: CheckResult, rule?: string) => r.findings.filter((f) => !rule || f.rule === rule).map((f) => [f.rule, f.severity, `${f.file}:${f.line}`, f.subject]);

describe('the checker reads only what is deployed', () => {
  test('test, tests, testdata and hack trees are not searched, named in one note; examples are searched', () => {
    const r = run('walk');
    expect(r.containers.map((c) => c.file)).toEqual(['examples/demo.yaml', 'k8s/app.yaml']);
    expect(r.images.map((i) => i.file)).toEqual(['app/Dockerfile']);
    // No PC012 from test/e2e or hack, no PC018 from tests/Dockerfile.
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.skipped).toEqual([{
      file: 'hack/, src/api/testdata/, test/ and 1 more',
      reason: '4 folders of tests, test inputs, dev tooling or archives, not deployed: not searched (name a folder on the command line to check it)',
      folders: ['hack/', 'src/api/testdata/', 'test/', 'tests/'],
    }]);
  });

  test('a not-deployed folder named on the command line is checked, with everything in it (its testdata too)', () => {
    const r = run('walk', ['test']);
    expect(r.containers.map((c) => `${c.file} ${c.workload}`)).toEqual(['test/e2e/pod.yaml e2e-client', 'test/testdata/db.yaml fixture-db']);
    expect(rows(r, 'PC012')).toEqual([
      ['PC012', 'warning', 'test/e2e/pod.yaml:15', 'Deployment/e2e-client/e2e-client'],
      ['PC012', 'warning', 'test/testdata/db.yaml:15', 'Deployment/fixture-db/fixture-db'],
    ]);
    expect(r.skipped).toEqual([]);
  });

  test('kustomize: an entry commented out is not read, patches are partial objects, a file the kustomization does not mention is read', () => {
    const r = run('kustomize');
    // base/deployment.yaml has no selector (commonLabels writes it) and is a listed resource: a whole object.
    // render/install.yaml sits beside a kustomization that does not mention it: applied on its own, read.
    expect(r.containers.map((c) => `${c.file} ${c.workload}/${c.name}`)).toEqual(['base/deployment.yaml api/api', 'render/install.yaml worker/worker']);
    expect(r.skipped).toEqual([
      { file: 'base/debug.yaml', reason: 'commented out in base/kustomization.yaml (kustomize does not read it)' },
      { file: 'overlays/prod/probes.yaml', reason: 'a kustomize patch (a partial object; its base is checked)' },
      { file: 'overlays/prod/replicas.yaml', reason: 'a patch: its containers have no image: (a partial object; its base is checked)' },
      { file: 'patches/resources.yaml', reason: 'a patch: its containers have no image: (a partial object; its base is checked)' },
    ]);
    // No "no probes" on the debug Deployment, the replicas patch or the resources patch; none on the worker either
    // (no port: nothing routes traffic to it).
    expect(rows(r, 'PC012')).toEqual([]);
    expect(r.containers.find((c) => c.workload === 'worker')!.ports).toEqual([]);
  });
});

test('build scripts in a folder not deployed still pair: hack/build-images.sh names the Dockerfile of a deployed image', () => {
  const r = run('hack-build');
  expect(r.pairs.map((p) => `${p.container.workload}/${p.container.name} ${p.image?.file ?? 'unpaired'} ${p.by ?? ''}`)).toEqual([
    'node-agent/agent images/agent/rootfs/Dockerfile build',
  ]);
  // hack/kind.yaml is not read as a manifest; the folder is named once.
  expect(r.containers.map((c) => c.file)).toEqual(['deploy/daemonset.yaml']);
  expect(r.skipped.map((s) => s.file)).toEqual(['hack/']);
});

test('no PC012 on a demo workload (an image not built here, in an examples or docs folder); a warning elsewhere', () => {
  const r = run('demo');
  expect(rows(r, 'PC012')).toEqual([['PC012', 'warning', 'deploy/cache.yaml:13', 'Deployment/cache/cache']]);
  expect(r.findings.find((f) => f.rule === 'PC012')!.message).toBe('container cache has no livenessProbe and no readinessProbe');
  expect(r.containers.map((c) => c.file)).toContain('examples/canary/rollout.yaml');
});

test('PC012 only where something routes traffic: a Service selecting the pod on a port that is not a metrics or health port, else a port not named for monitoring', () => {
  const r = run('traffic');
  expect(r.findings.map((f) => [f.rule, f.severity, `${f.file}:${f.line}`, f.message])).toEqual([
    // api: no Service selects it, and its port is named http: its own ports decide.
    ['PC012', 'warning', 'deploy/api.yaml:15', 'container api has no readinessProbe'],
    ['PC012', 'warning', 'deploy/ui.yaml:15', 'container ui has no livenessProbe and no readinessProbe'],
    // web: the Service web routes port http to it.
    ['PC012', 'warning', 'deploy/web.yaml:15', 'container web has no readinessProbe'],
  ]);
  // operator: only the metrics Service selects it (a livenessProbe, no readinessProbe needed); agent: a metrics port
  // and no Service; worker: no port. Their images are built elsewhere: no PC019 (unpaired says why).
  expect(r.unpaired.map((u) => u.container)).toEqual(['DaemonSet/agent/agent', 'Deployment/api/api', 'Deployment/operator/operator',
    'Deployment/ui/ui', 'Deployment/web/web', 'Deployment/worker/worker']);
});

describe('findings that carry a defect', () => {
  test('PC018 only for an image Compose runs without healthcheck: while a restarter acts on its health; never test, base, tool, batch or Kubernetes-run images', () => {
    const r = run('healthcheck');
    // svc: Kubernetes runs it with probes, so Compose's run of it without a healthcheck gives no PC018 either.
    expect(r.pairs.find((p) => p.container.name === 'svc')!.image!.file).toBe('svc/Dockerfile');
    expect(rows(r, 'PC018')).toEqual([
      ['PC018', 'info', 'web/Dockerfile:1', 'web/Dockerfile'],
    ]);
    expect(r.findings.find((f) => f.file === 'web/Dockerfile')!.message).toBe(
      'no HEALTHCHECK in the final stage, and Compose runs the image without a healthcheck: where a restarter acts on its health (service web in compose.yaml, an autoheal restarter watching all containers): the container never turns unhealthy, so a hung one is never restarted');
    // standalone: nothing here runs it (what would, and whether it reads health, is not known). api: Compose's own
    // healthcheck:. worker: no port. web/Dockerfile.e2e: a test image. runtime: svc builds FROM it.
    // cli: a tool (no port). svc: Kubernetes runs it (probes). job: a CronJob. devapp: Compose runs its development
    // stage, not the final one. .github/ui-tests: CI's own image, built by a workflow.
    expect(r.images.map((i) => i.file).sort()).toEqual(['.github/ui-tests/Dockerfile', 'api/Dockerfile', 'cli/Dockerfile', 'devapp/Dockerfile',
      'job/Dockerfile', 'runtime/Dockerfile', 'standalone/Dockerfile', 'svc/Dockerfile', 'web/Dockerfile', 'web/Dockerfile.e2e', 'worker/Dockerfile']);
  });

  test('PC013 only where identical probes can harm: a path named for dependency checks; no info form', () => {
    const r = run('probes');
    expect(rows(r, 'PC013')).toEqual([
      // Spring Boot's aggregate /actuator/health checks the database and other dependencies.
      ['PC013', 'warning', 'pod.yaml:45', 'Pod/probes/actuator'],
    ]);
    // Not reported: /ready and /readyz (a name alone shows no dependency check), /healthz whatever the thresholds
    // (the docs' common pattern), `tcp` (a port checks no dependency), `split` (its own endpoints).
  });

  test('PC003 only for a named probe port the container does not declare; an undeclared number is probed anyway', () => {
    const r = run('probes');
    expect(rows(r, 'PC003')).toEqual([['PC003', 'error', 'pod.yaml:129', 'Pod/probes/ports']]);
    expect(r.findings.find((f) => f.rule === 'PC003')!.message).toBe('readinessProbe port "admin" is not a declared containerPort (http=8080): the probe cannot resolve it');
  });

  test('ARG and ENV substituted in RUN (useradd --uid "$APPUID" "$APPUSER", apt-get install $PKGS); nobody and www-data known; USER 65534 owns nothing', () => {
    const r = run('accounts');
    expect(r.findings.filter((f) => f.severity !== 'info').map((f) => [f.rule, f.severity, `${f.file}:${f.line}`, f.subject, f.message])).toEqual([
      // app runs as 10001 = useradd --uid "$APPUID" (ARG APPUID=10001) of "$APPUSER" (ENV APPUSER=app): no finding;
      // app-other runs as 2000.
      ['PC021', 'warning', 'k8s/deploy.yaml:42', 'Deployment/app-other/app-other',
        'runAsUser 2000, the image USER app (app/Dockerfile:9) is uid 10001: the process runs as another account than the image prepared (file ownership, home directory)'],
      // www-data is 82 on Alpine (33 on Debian); nobody is 65534 = runAsUser: no finding.
      ['PC021', 'warning', 'k8s/deploy.yaml:96', 'Deployment/www/www',
        'runAsUser 33, the image USER www-data (www/Dockerfile:2) is uid 82: the process runs as another account than the image prepared (file ownership, home directory)'],
    ]);
    // USER 65534 (nobody) owns no file the Dockerfile gives it: runAsUser 1000 changes no file access, no PC010.
    expect(rows(r, 'PC010')).toEqual([]);
    // curl comes from ARG PKGS="curl ca-certificates": no PC014.
    expect([...r.images.find((i) => i.file === 'app/Dockerfile')!.packages]).toEqual(['curl', 'ca-certificates']);
  });

  test('PC010 only where the image gives the USER files; a standard account behind a build arg in the base tag is known', () => {
    const r = run('owners');
    expect(r.pairs.map((p) => p.image?.file)).toEqual(['static/Dockerfile', 'chowned/Dockerfile', 'varbase/Dockerfile']);
    expect(r.findings.filter((f) => f.rule === 'PC010' || f.rule === 'PC021').map((f) => [f.rule, f.severity, `${f.file}:${f.line}`, f.message])).toEqual([
      // chowned: COPY --chown=10001 gives /data to the USER, and the pod runs as 2000.
      ['PC010', 'warning', 'k8s/deploy.yaml:42', 'runAsUser 2000, the image USER is 10001 (chowned/Dockerfile:4): files the image gives its user are not the running user\'s'],
    ]);
    // static: USER 65532 on distroless with only a binary copied (root's): runAsUser 65534 changes no file access.
    // varbase: USER nobody on gcr.io/distroless/static:latest-${ARCH} is 65534 = runAsUser.
  });
});
