import * as fs from 'fs';
import * as path from 'path';
import { check } from '../../src/check/_check';
import { adoptAll, Adoption, canonicalArgv, changeComment, Difference, HARDENING, parseChanges } from '../../src/check/adopt';
import { main } from '../../src/check/cli';
import { corpusTable, runCorpus } from '../corpus/corpus';

const fixtures = path.join(__dirname, 'fixtures', 'round-trip');

/** Adopts every paired container of a fixture repository with the round trip. */
function adopt(dir: string): Adoption[] {
  const cwd = path.join(fixtures, dir);
  const result = check({ paths: ['.'], cwd });
  return adoptAll(result.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), cwd, { roundTrip: true });
}

/** The one adopted container's differences, `field` -> `class old -> new`. */
function differences(dir: string): Record<string, string> {
  const parts = adopt(dir);
  expect(parts.map((p) => [p.id, p.refusals])).toEqual([[parts[0].id, []]]);
  const rt = parts[0].roundTrip!;
  expect(rt.error).toBeUndefined();
  return Object.fromEntries(rt.differences.map((d: Difference) => [d.field, `${d.class} ${d.old} -> ${d.new}`]));
}

describe('the round trip: the original container against what its statement generates, each difference classified', () => {
  test('shell-form CMD with $PORT and quotes: the exec argv the statement writes is a different command (unlisted today)', () => {
    const d = differences('shell-cmd');
    expect(d.command).toBe('unlisted ["/bin/sh","-c","gunicorn -b :$PORT --threads 4 \\"app:create_app()\\""] -> ["gunicorn","-b",":$PORT","--threads","4","\\"app:create_app()\\""]');
    // The manifest's env and the Dockerfile's ENV are dropped: the fragment names both.
    expect(d['env LOG_LEVEL']).toBe('named debug -> (none)');
    expect(d['env PORT']).toBe('named 8080 -> (none)');
    // A named account with useradd --uid 10001 runs as 10001; the statement's account is the default 1000.
    expect(d.user).toBe('unlisted 10001 -> 1000');
    expect(d['contents app']).toBe('named /app/app -> (none)');
    // No startupProbe before: the construct adds one, and the fragment says so.
    expect(d.startupProbe).toBe('named (none) -> set');
    // Hardening from the one list.
    expect(d['securityContext.readOnlyRootFilesystem']).toBe('hardening (none) -> true');
    expect(d['securityContext.capabilities.drop']).toBe('hardening (none) -> ALL');
    expect(d['volumeMount /tmp']).toBe('hardening (none) -> emptyDir');
    expect(d.HEALTHCHECK).toBe('hardening (none) -> set');
    // Carried over: the port (named http in both), the liveness path and timing.
    for (const k of ['port 8080', 'livenessProbe.path', 'livenessProbe.periodSeconds', 'livenessProbe.timeoutSeconds']) expect(d[k]).toBeUndefined();
  }, 60_000);

  test('a probe on another port and scheme than the service port: each found (unlisted today)', () => {
    const d = differences('probe-port');
    expect(d['livenessProbe.port']).toBe('unlisted 8081 -> 8080');
    expect(d['livenessProbe.scheme']).toBe('unlisted HTTPS -> HTTP');
    expect(d['readinessProbe.port']).toBe('unlisted 8081 -> 8080');
    expect(d['readinessProbe.initialDelaySeconds']).toBe('unlisted 5 -> 15');
    expect(d['contents manager']).toBe('named /manager -> (none)');
    // The manifest's args replace the image's CMD; the statement writes the image's: named.
    expect(d.command).toBe('named ["/manager","--leader-elect"] -> ["/manager","--metrics-bind-address=:8080","--health-probe-bind-address=:8081"]');
  }, 60_000);

  test('a startupProbe with initialDelaySeconds 60: the delay and the threshold are found (unlisted today)', () => {
    const d = differences('startup-delay');
    expect(d['startupProbe.initialDelaySeconds']).toBe('unlisted 60 -> 0');
    expect(d['startupProbe.failureThreshold']).toBe('unlisted 30 -> 36');
    // The period is carried over.
    expect(d['startupProbe.periodSeconds']).toBeUndefined();
  }, 60_000);

  test('a read-only Secret mount becomes a writable emptyDir (named in the fragment today); a port gaining a name is no difference', () => {
    const d = differences('secret-mount');
    expect(d['volumeMount /home/node/.ssh']).toBe('named secret:deploy-key read-only -> emptyDir');
    expect(adopt('secret-mount')[0].changes.map(changeComment)).toContain('// changes: volumeMount /home/node/.ssh: secret:deploy-key read-only -> emptyDir (writablePaths)');
    expect(d['volumeMount /var/cache/sync']).toBeUndefined();
    expect(d['port 3000']).toBeUndefined();
    expect(d['contents package.json']).toBe('named /app/package.json -> (none)');
  }, 60_000);

  test('a multi-stage Go build: the dropped build stage and what the final stage copied from it are named', () => {
    const d = differences('go-healthcheck');
    expect(d['build stages']).toBe('named golang:1.23.2-bookworm -> (none)');
    expect(d['contents stage golang:1.23.2-bookworm:/out/api']).toBe('named /app/api -> (none)');
    expect(d['contents stage golang:1.23.2-bookworm:/out/healthcheck']).toBe('named /app/healthcheck -> (none)');
    expect(d['HEALTHCHECK.startPeriod']).toBe('unlisted 0s -> 10s');
    // The check itself (its program and URL) and the command are carried over.
    expect(d['HEALTHCHECK.check']).toBeUndefined();
    expect(d.command).toBeUndefined();
  }, 60_000);

  test('the fragment names what the statement leaves out in the one change-comment form, which the round trip reads back', () => {
    const parts = adopt('go-healthcheck');
    const lines = parts[0].changes.map(changeComment);
    expect(lines).toContain('// changes: build stages: golang:1.23.2-bookworm -> (none)');
    expect(parseChanges(lines.join('\n'))).toEqual(parts[0].changes);
  }, 60_000);

  test('the example\'s own files round-trip: the backend with no difference at all, the frontend only by the /api/ proxy it names as not carried over', () => {
    const cwd = path.join(__dirname, '..', '..', 'examples', 'fullstack');
    const result = check({ paths: ['.'], cwd });
    const parts = adoptAll(result.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), cwd, { roundTrip: true });
    const by = Object.fromEntries(parts.map((p) => [p.id, p.roundTrip!.differences.map((d) => `${d.class} ${d.field}`)]));
    expect(by).toEqual({ backend: [], frontend: ['unlisted command'] });
    expect(parts[0].roundTrip!.carried).toEqual(expect.arrayContaining(['command', 'workers', 'livenessProbe.path', 'startupProbe.failureThreshold', 'user', 'build stages']));
  }, 60_000);

  test('commands compare by meaning: sh and /bin/sh, a leading exec, a script without shell syntax', () => {
    expect(canonicalArgv(['sh', '-c', 'exec /app/server --port 8080'])).toEqual(['/app/server', '--port', '8080']);
    expect(canonicalArgv(['/bin/sh', '-c', 'server --port $PORT'])).toEqual(['/bin/sh', '-c', 'server --port $PORT']);
    expect(canonicalArgv(['/bin/bash', '-c', 'a 2>&1'])).toEqual(['/bin/sh', '-c', 'a 2>&1']);
  });

  test('the hardening list is one list, each entry documented in docs/adopting.md', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'adopting.md'), 'utf8') as string;
    for (const h of HARDENING) expect([h.field, doc.includes(`\`${h.field}\``)]).toEqual([h.field, true]);
  });

  test('check --round-trip prints the differences by class per container, and JSON; exit 1 with unlisted ones', () => {
    let out = '';
    const status = main(['check', '--round-trip', '.'], path.join(fixtures, 'startup-delay'), (s) => { out += s; }, () => undefined);
    expect(status).toBe(1);
    expect(out).toContain('orders: adopted (needs replaceExisting: true), from Dockerfile + k8s/deployment.yaml (Deployment/orders/orders): ');
    expect(out).toContain('  unlisted  startupProbe.initialDelaySeconds: 60 -> 0\n');
    expect(out).toContain('  hardening securityContext.runAsNonRoot: (none) -> true\n');
    let json = '';
    main(['check', '--round-trip', '--format', 'json', '.'], path.join(fixtures, 'startup-delay'), (s) => { json += s; }, () => undefined);
    const doc = JSON.parse(json);
    expect(doc.containers[0]).toMatchObject({ id: 'orders', adopted: true, optIn: true, dockerfile: 'Dockerfile', container: 'Deployment/orders/orders' });
    expect(doc.containers[0].differences).toContainEqual({ field: 'startupProbe.initialDelaySeconds', old: '60', new: '0', class: 'unlisted' });
    expect(doc.summary).toMatchObject({ containers: 1, adopted: 1, refused: 0, named: 1, hardening: 8 });
  }, 60_000);

  test('check-corpus counts the round trip per repository: adopted, refused by reason, named, hardening, unlisted', () => {
    const rows = runCorpus(fixtures);
    const by = Object.fromEntries(rows.map((r) => [r.repository, r.roundTrip]));
    expect(by['go-multistage']).toEqual({ containers: 1, adopted: 0, refused: 1, refusedBy: { checkTool: 1 }, named: 0, hardening: 0, unlisted: 0 });
    expect(by['startup-delay']).toMatchObject({ containers: 1, adopted: 1, refused: 0, named: 1, hardening: 8 });
    expect(by['startup-delay']!.unlisted).toBeGreaterThan(0);
    const table = corpusTable(rows);
    expect(table.split('\n')[0]).toMatch(/\| adopted \| refused \(by reason\) \| named \| hardening \| unlisted \|$/);
    expect(table).toMatch(/\| go-multistage \|.*\| 0\/1 \| 1 \(checkTool 1\) \| 0 \| 0 \| 0 \|/);
  }, 120_000);
});
