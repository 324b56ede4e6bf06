/**
 * Precision classes of issue 27 (third round), each on a fixture written for it under test/check/fixtures/precision/:
 * PC012 on demo workloads of documentation and contrib folders, the tools official nginx, php and openjdk images
 * have (PC030 "cannot tell"), PC018 only where a restarter acts on the health of an image Compose runs unchecked, and
 * one Compose reader for the pairing, the third side and the adoption.
 */
import * as path from 'path';
import { check, CheckResult } from '../../src/check/_check';
import { officialImageTools, readComposeFile, readComposeRun } from '../../src/check/read';

const fixtures = path.join(__dirname, 'fixtures', 'precision');
const run = (dir: string): CheckResult => check({ paths: ['.'], cwd: path.join(fixtures, dir) });
const rows = (r: CheckResult, rule: string) => r.findings.filter((f) => f.rule === rule).map((f) => [f.rule, f.severity, `${f.file}:${f.line}`, f.subject]);

test('no PC012 on a documentation or contrib folder\'s third-party image, or test image built from a tree not deployed; the image built here beside it keeps its PC012', () => {
  const r = run('demo-folders');
  expect(rows(r, 'PC012')).toEqual([
    // The exporter built here, in the contributed example and in the deployment: both without probes.
    ['PC012', 'warning', 'contrib/queue-and-exporter.yaml:18', 'Deployment/queue/queue-exporter'],
    ['PC012', 'warning', 'deploy/exporter.yaml:14', 'Deployment/queue-exporter/queue-exporter'],
  ]);
  expect(r.pairs.map((p) => `${p.container.file} ${p.container.name} ${p.image?.file ?? 'unpaired'}`)).toEqual([
    'contrib/queue-and-exporter.yaml queue unpaired',
    'contrib/queue-and-exporter.yaml queue-exporter Dockerfile',
    'deploy/exporter.yaml queue-exporter Dockerfile',
    // The tests' echo image (the Makefile builds it from test/images/echo): paired, but not a deployed image.
    'documentation/tcp-example/backend.yaml echo-backend test/images/echo/Dockerfile',
    'documentation/tcp-example/echo.yaml http-echo unpaired',
  ]);
});

describe('the tools of official nginx, php and openjdk images', () => {
  test('PC030 knows curl in nginx since 1.17.10 (not alpine-slim), php and openjdk before 12 on Debian', () => {
    const r = run('base-tools');
    expect(r.findings.map((f) => [f.rule, f.severity, `${f.file}:${f.line}`, f.subject])).toEqual([
      // nginx 1.16.1 predates curl in the image; alpine-slim drops it: still "cannot tell".
      ['PC030', 'info', 'compose.yaml:11', 'compose/legacy'],
      ['PC030', 'info', 'compose.yaml:16', 'compose/slim'],
    ]);
  });

  test.each([
    ['nginx:1.21.6', ['curl']], ['nginx:1.19.7-alpine', ['curl']], ['nginx', ['curl']], ['nginx:stable-alpine', ['curl']],
    ['docker.io/library/nginx:1.27', ['curl']], ['nginx:1.17.10', ['curl']], ['nginx:1.17.9', []], ['nginx:1.17', []],
    ['nginx:1.25.3-alpine-slim', []], ['nginxinc/nginx-unprivileged:1.27', []], ['acme/nginx:1.27', []],
    ['php:7.4-apache', ['curl']], ['php:8.3-fpm-alpine', ['curl']],
    ['openjdk:8-jdk', ['curl', 'wget']], ['openjdk:11', ['curl', 'wget']], ['openjdk:8u342-jre', ['curl', 'wget']],
    ['openjdk:17-jdk-bullseye', ['curl', 'wget']], ['openjdk:17', []], ['openjdk:17-jdk', []], ['openjdk:11-jre-slim', []],
    ['openjdk:8-jdk-alpine', []], ['openjdk:17-oraclelinux8', []],
  ])('officialImageTools(%s) = %j', (ref, tools) => {
    expect(officialImageTools(ref)).toEqual(tools);
  });
});

test('PC018 only where a restarter acts on the health of an image Compose runs without a check', () => {
  const r = run('healthcheck-consumers');
  expect(rows(r, 'PC018')).toEqual([
    ['PC018', 'info', 'labelled/api/Dockerfile:1', 'labelled/api/Dockerfile'],
    ['PC018', 'info', 'watch-all/app/Dockerfile:1', 'watch-all/app/Dockerfile'],
  ]);
  expect(r.findings.find((f) => f.rule === 'PC018')!.message).toBe('no HEALTHCHECK in the final stage, and Compose runs the image without a '
    + 'healthcheck: where a restarter acts on its health (service api in labelled/compose.yaml, the label autoheal=true): the container never '
    + 'turns unhealthy, so a hung one is never restarted');
  // plain/web: Compose runs it unchecked, nothing acts on its health. plain/standalone: nothing here runs it.
  // labelled/web: its own healthcheck:.
  expect(r.images.map((i) => i.file).sort()).toEqual(['labelled/api/Dockerfile', 'labelled/web/Dockerfile', 'plain/standalone/Dockerfile',
    'plain/web/Dockerfile', 'watch-all/app/Dockerfile']);
});

describe('one Compose reader', () => {
  test('the pairing reads Compose through readComposeFile: a build given by a YAML merge key pairs the image it names', () => {
    const r = run('compose-merge-keys');
    expect(r.pairs.map((p) => `${p.container.file} ${p.container.name} ${p.image?.file ?? 'unpaired'} ${p.by ?? ''}`)).toEqual([
      'k8s/orders.yaml orders services/backend/Dockerfile build',
    ]);
  });

  test('readComposeFile gives each service its run settings and labels; readComposeRun reads through it', () => {
    const file = path.join(fixtures, 'healthcheck-consumers', 'labelled', 'compose.yaml');
    const services = readComposeFile(file, (f) => path.relative(fixtures, f));
    expect(services.map((s) => [s.name, s.labels, s.run.ports.map((p) => `${p.published}:${p.target}`)])).toEqual([
      ['api', { autoheal: 'true' }, ['8000:8000']],
      ['web', { autoheal: 'true' }, ['8001:8000']],
      ['autoheal', {}, []],
    ]);
    expect(readComposeRun(file, 'web')).toEqual(services[1].run);
    expect(readComposeRun(file, 'autoheal')!.volumes).toEqual([{ source: '/var/run/docker.sock', target: '/var/run/docker.sock', type: 'bind', readOnly: false }]);
  });
});
