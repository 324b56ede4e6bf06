import * as os from 'os';
import { join } from 'path';
import * as fc from 'fast-check';
import { Project } from 'projen';
import { Duration, FastApiBackend, FastApiBackendOptions, HealthCheck, StaticFrontend } from '../../src';
import { errorOf, listFiles } from '../util';
import { RUNS, SEED } from './model';

/**
 * Random invalid inputs, one bad field at a time on top of a valid model: each must fail with
 * `<path>.<field>: must be ...; received ...` naming that field, and write nothing.
 */
type Bad = [field: string, options: FastApiBackendOptions];

const badPort = fc.oneof(fc.integer({ max: 1023 }), fc.integer({ min: 65536, max: 2147483647 }), fc.double({ noInteger: true, noNaN: true }));
const badDuration = fc.oneof(
  fc.integer({ max: 0 }).map((n) => Duration.seconds(n)),
  fc.integer({ min: 1, max: 999_999 }).filter((n) => n % 1000 !== 0).map((n) => Duration.millis(n)),
  fc.integer({ min: 86401, max: 10_000_000 }).map((n) => Duration.seconds(n)),
);
const badPath = fc.oneof(
  fc.string({ minLength: 0, maxLength: 10 }).filter((s) => !s.startsWith('/')),
  fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom(' ', '"', '\\', '#', '<', '>', '`', '{', '}', '|', '^', '\n', '\u00e9'), fc.string({ maxLength: 5 }))
    .map(([a, c, b]) => `/${a}${c}${b}`),
);
const badName = fc.oneof(
  fc.constant('root'),
  fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/^[a-z_][a-z0-9_-]{0,31}$/.test(s)),
);
const badId = fc.oneof(fc.constant(0), fc.integer({ max: -1 }), fc.integer({ min: 2147483647 }).map((n) => n + 1 + (n % 7)));
const badImage = fc.oneof(
  fc.constantFrom('python', 'python:latest', 'ghcr.io/x/y', 'UPPER:1', 'a b:1', 'python:3.12;rm'),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/^[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(s) || /:latest$/.test(s)),
);
const badHeaderValue = fc.tuple(fc.string({ maxLength: 4 }), fc.constantFrom('\r\n', '\n', '\u0000', '\t', '\u00ff'), fc.string({ maxLength: 4 }))
  .map(([a, c, b]) => `${a}${c}${b}`);

/** Header names Kubernetes refuses: RFC 7230 token characters outside `[-A-Za-z0-9]`, and other characters. */
const badHeaderName = fc.tuple(
  fc.string({ unit: fc.constantFrom(...'Xa1-'.split('')), maxLength: 4 }),
  fc.constantFrom('_', '.', '!', '#', '$', '%', '&', "'", '*', '+', '^', '`', '|', '~', ':', ' ', '\u00e9'),
  fc.string({ unit: fc.constantFrom(...'Yb2-'.split('')), maxLength: 4 }),
).map(([a, c, b]) => `${a}${c}${b}`);

const bad: fc.Arbitrary<Bad> = fc.oneof(
  badPort.map((port): Bad => ['port', { port }]),
  badDuration.map((interval): Bad => ['timing.interval', { timing: { interval } }]),
  badDuration.map((timeout): Bad => ['timing.timeout', { timing: { timeout } }]),
  badDuration.map((startPeriod): Bad => ['timing.startPeriod', { timing: { startPeriod } }]),
  badDuration.map((startInterval): Bad => ['timing.startInterval', { timing: { startInterval } }]),
  fc.integer({ min: 2, max: 600 }).chain((i) => fc.integer({ min: i + 1, max: 3 * i }).map((t): Bad =>
    ['timing.timeout', { timing: { interval: Duration.seconds(i), timeout: Duration.seconds(t) } }])),
  fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1001 })).map((retries): Bad => ['timing.retries', { timing: { retries } }]),
  badPath.map((path): Bad => ['healthCheck.path', { healthCheck: HealthCheck.httpGet({ path }) }]),
  badPath.map((path): Bad => ['readinessCheck.path', { readinessCheck: HealthCheck.httpGet({ path }) }]),
  badHeaderValue.map((v): Bad => ['healthCheck.headers.X-Test', { healthCheck: HealthCheck.httpGet({ headers: { 'X-Test': v } }) }]),
  badHeaderName.map((n): Bad => ['healthCheck.headers', { healthCheck: HealthCheck.httpGet({ headers: { [n]: 'v' } }) }]),
  badName.map((name): Bad => ['user.name', { user: { name } }]),
  badName.map((group): Bad => ['user.group', { user: { group } }]),
  badId.map((uid): Bad => ['user.uid', { user: { uid } }]),
  badId.map((gid): Bad => ['user.gid', { user: { gid } }]),
  badImage.map((baseImage): Bad => ['baseImage', { baseImage }]),
  badImage.map((uvImage): Bad => ['uvImage', { uvImage }]),
  fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !/^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?$/.test(k) || /[.-]{2}/.test(k))
    .map((k): Bad => ['labels.extra', { labels: { extra: { [k]: 'v' } } }]),
  fc.tuple(fc.string({ maxLength: 4 }), fc.constantFrom('\n', '\r', '\u0000', '\u001b')).map(([a, c]): Bad => ['labels.title', { labels: { title: `${a}${c}` } }]),
  fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/^[a-z0-9+.-]*[a-z0-9][a-z0-9+.-]*$/.test(s) || /^[^a-z0-9]/.test(s))
    .map((p): Bad => ['systemPackages[0]', { systemPackages: [p] }]),
);

test(`${RUNS} invalid models fail naming the field, and write nothing (seed ${SEED + 2})`, () => {
  fc.assert(
    fc.property(bad, ([field, options]) => {
      const project = new Project({ name: 'p', outdir: join(os.tmpdir(), `pc-invalid-${process.pid}`) });
      const message = errorOf(() => {
        new FastApiBackend(project, 'backend', options);
        project.synth();
      });
      const escaped = field.replace(/[.[\]]/g, (c) => `\\${c}`);
      if (!new RegExp(`^backend\\.${escaped}: must be .+; received `, 's').test(message)) {
        throw new Error(`expected an error on backend.${field}, got: ${message}`);
      }
      if (listFiles(project.outdir).length !== 0) throw new Error(`files were written: ${listFiles(project.outdir)}`);
    }),
    { seed: SEED + 2, numRuns: RUNS },
  );
}, 600_000);

test('an invalid frontend writes neither its files nor a valid sibling\'s', () => {
  const project = new Project({ name: 'p', outdir: join(os.tmpdir(), `pc-invalid-sibling-${process.pid}`) });
  new FastApiBackend(project, 'backend');
  const message = errorOf(() => {
    new StaticFrontend(project, 'frontend', { port: 80 });
    project.synth();
  });
  expect(message).toMatch(/^frontend\.port: must be from 1024 to 65535/);
  expect(listFiles(project.outdir)).toEqual([]);
});
