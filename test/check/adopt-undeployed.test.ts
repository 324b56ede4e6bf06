// Adoption of containers no Kubernetes workload runs: a Compose service built from a Dockerfile here, and a Dockerfile alone.
import * as path from 'path';
import { adoptedDiffs as differences, adoptFixture as adopt, roundTripFixtures as fixtures, unlisted } from './adopt-util';
import { fragmentTypeErrors } from './fragment-util';
import { Adoption, renderFragment, synthStatement } from '../../src/check/adopt';
import { main } from '../../src/check/cli';
import { readComposeRun } from '../../src/check/read';
import { formatRoundTripJson, formatRoundTripText, roundTripSummary } from '../../src/check/report';

/** The fragment synthesized whole (its statements and the ComposeFile together), in a scratch project. */
function synthFragment(fragment: string): { error?: string; files: string[] } {
  const s = synthStatement(fragment.split('\n').filter((l) => !l.startsWith('import ')).join('\n'));
  s.dispose();
  return { error: s.error, files: s.files };
}

describe('adoption of a Compose service built from a Dockerfile here', () => {
  test('a healthcheck with curl: an httpGet check on its path with its timing, the command override, port and environment carried; 0 unlisted', () => {
    const parts = adopt('compose-curl');
    expect(parts.map((p) => [p.id, p.side?.source])).toEqual([['web', 'compose']]);
    const [web] = parts;
    // The statement: Compose's command over the image's CMD, the port of `ports:`, the healthcheck's URL path and timing.
    expect(web.code).toContain('  command: ["python", "-m", "app.server", "--port", "8000"],\n');
    expect(web.code).toContain('  port: 8000,\n');
    expect(web.code).toContain('  healthCheck: HealthCheck.httpGet({ path: "/health" }),\n');
    expect(web.code).toContain('  timing: { interval: Duration.seconds(10), timeout: Duration.seconds(5), startPeriod: Duration.seconds(20), retries: 5 },\n');
    expect(web.code).toContain('  checkTool: CheckTool.CURL,\n');
    expect(web.code).toContain('// Kubernetes: no manifest deploys this image; the Deployment snippet and probes the statement writes are new files');
    const d = differences(web);
    // Carried: what Compose ran, the port, the environment, the check and each timing field.
    for (const k of ['command', 'port 8000', 'env LOG_LEVEL', 'HEALTHCHECK.check', 'HEALTHCHECK.interval', 'HEALTHCHECK.timeout', 'HEALTHCHECK.startPeriod', 'HEALTHCHECK.retries', 'publish 8000', 'user']) {
      expect([k, d[k]]).toEqual([k, undefined]);
      expect(web.roundTrip!.carried).toContain(k);
    }
    // The Compose file's own hardening: loopback publishing, read_only, cap_drop, no-new-privileges.
    expect(d['publish 8000.host']).toBe('hardening all addresses -> 127.0.0.1');
    expect(d['securityContext.readOnlyRootFilesystem']).toBe('hardening (none) -> true');
    expect(d['securityContext.allowPrivilegeEscalation']).toBe('hardening (none) -> false');
    // No probe existed: the Kubernetes probes are new files, not differences.
    expect(Object.keys(d).filter((k) => /Probe/.test(k))).toEqual([]);
    expect(unlisted(d)).toEqual([]);
    const fragment = renderFragment(parts);
    expect(fragment).toContain('const webService = new ContainerService(project, "web", {');
    expect(fragment).toContain('new ComposeFile(project, "compose", {\n  filePath: "compose.containers.yaml",\n  services: [webService],\n  serviceSettings: [{ service: webService, environment: { "LOG_LEVEL": "info" } }],\n});');
    expect(fragmentTypeErrors(fragment)).toEqual([]);
    expect(synthFragment(fragment)).toMatchObject({ error: undefined, files: expect.arrayContaining(['compose.containers.yaml', 'Dockerfile']) });
  }, 120_000);

  test('depends_on service_healthy, a named volume and another published port: each named in the fragment; a CMD-SHELL check becomes an exec check; 0 unlisted', () => {
    const parts = adopt('compose-depends');
    // The database (image: postgres, no build) is not a container built here.
    expect(parts.map((p) => [p.id, p.side?.source])).toEqual([['api', 'compose'], ['jobs', 'compose']]);
    const [api, jobs] = parts;
    expect(api.code).toContain('  healthCheck: HealthCheck.exec(["/bin/sh", "-c", "node -e \\"process.exit(0)\\""]),\n');
    expect(api.code).toContain('  // The HEALTHCHECK\'s command (docker-compose.yml:15) is the check.\n');
    expect(api.code).toContain('  port: 3000,\n');
    const fragment = renderFragment(parts);
    expect(fragment).toContain('// changes: depends_on db: service_healthy -> (none)\n');
    expect(fragment).toContain('// changes: volumeMount /app/uploads: volume:uploads -> (none)\n');
    expect(fragment).toContain('// changes: publish 3000: 8080 -> 3000 on 127.0.0.1\n');
    const d = differences(api);
    expect(d['depends_on db']).toBe('named service_healthy -> (none)');
    expect(d['volumeMount /app/uploads']).toBe('named volume:uploads -> (none)');
    expect(d['publish 3000']).toBe('named 8080 -> 3000');
    // The environment list form is carried (the ComposeFile writes it).
    expect(d['env DATABASE_URL']).toBeUndefined();
    expect(api.roundTrip!.carried).toContain('env DATABASE_URL');
    expect(unlisted(d)).toEqual([]);
    // A string entrypoint: split into words as Compose does (no shell), the image's CMD cleared; the port it did not publish is named.
    expect(jobs.code).toContain('  command: ["python", "-u", "jobs.py", "--queue", "default"],\n');
    const j = differences(jobs);
    expect(j['publish 8081']).toBe('named (none) -> 8081');
    expect(j['depends_on api']).toBe('named service_started -> (none)');
    expect(jobs.roundTrip!.carried).toContain('command');
    expect(unlisted(j)).toEqual([]);
    expect(fragment).toContain('  services: [apiService, jobsService],\n');
    expect(fragmentTypeErrors(fragment)).toEqual([]);
    expect(synthFragment(fragment).error).toBeUndefined();
  }, 120_000);

  test('a build: target: the stage Compose builds is adopted (not the file\'s last stage); published on 127.0.0.1 already: nothing to harden there', () => {
    const parts = adopt('compose-target');
    expect(parts.map((p) => [p.id, p.side?.source])).toEqual([['app', 'compose']]);
    expect(parts[0].code).toContain('  command: ["python", "main.py"],\n');
    expect(parts[0].code).toContain('  stageName: "app",\n');
    const d = differences(parts[0]);
    expect(parts[0].roundTrip!.carried).toEqual(expect.arrayContaining(['command', 'publish 5000', 'publish 5000.host', 'user']));
    expect(unlisted(d)).toEqual([]);
  }, 120_000);

  test('two services of one Compose file on one port: its ComposeFile publishes none (publishPorts: false), each host port named; the fragment synthesizes', () => {
    const parts = adopt('compose-shared-port');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['a', []], ['b', []]]);
    const fragment = renderFragment(parts);
    expect(fragment).toContain('  services: [aService, bService],\n  // Two of these services have the same port: published on the host, they would clash (named above).\n  publishPorts: false,\n');
    expect(fragment).toContain('// changes: publish 8080: 8081 -> (none) (publishPorts: false: another service of compose.yaml has port 8080 too)\n');
    for (const p of parts) {
      const d = differences(p);
      expect(d['publish 8080']).toMatch(/^named 808[12] -> \(none\)$/);
      expect(unlisted(d)).toEqual([]);
    }
    expect(synthFragment(fragment).error).toBeUndefined();
  }, 120_000);

  test('the Compose reader: short and long ports, list environment, named and bind volumes, string command', () => {
    const run = readComposeRun(path.join(fixtures, 'compose-depends', 'docker-compose.yml'), 'api')!;
    expect(run.ports).toEqual([{ target: 3000, published: '8080', hostIp: undefined, protocol: 'tcp', exposeOnly: false }]);
    expect(run.environment).toEqual([['DATABASE_URL', 'postgresql://db:5432/app']]);
    expect(run.volumes).toEqual([{ target: '/app/uploads', source: 'uploads', type: 'volume', readOnly: false }]);
    expect(run.command).toBeUndefined();
  });
});

describe('adoption of a Dockerfile no workload deploys', () => {
  test('its command, EXPOSE port, HEALTHCHECK (exec) with timing, user and build stages carried; Kubernetes files said new in one note; 0 unlisted', () => {
    const parts = adopt('dockerfile-alone');
    expect(parts.map((p) => [p.id, p.side?.source])).toEqual([['dockerfile-alone', 'dockerfile'], ['jar', 'dockerfile'], ['worker', 'dockerfile']]);
    const [server, jar, worker] = parts;
    expect(server.code).toContain('  command: ["/usr/local/bin/server", "-listen", ":9000"],\n');
    expect(server.code).toContain('  port: 9000,\n');
    expect(server.code).toContain('  healthCheck: HealthCheck.exec(["/usr/local/bin/server", "-check"]),\n');
    expect(server.code).toContain('  timing: { interval: Duration.seconds(20), timeout: Duration.seconds(3), startPeriod: Duration.seconds(10), retries: 4 },\n');
    expect(server.code).toContain('  user: { uid: 10001, gid: 10001 },\n');
    expect(server.code).toContain('new DockerfileStage({ name: "build", from: "golang:1.22"');
    expect(server.code.split('\n').filter((l) => l.includes('are new files'))).toHaveLength(1);
    const d = differences(server);
    expect(d).toEqual({});
    for (const k of ['command', 'port 9000', 'HEALTHCHECK.check', 'HEALTHCHECK.interval', 'HEALTHCHECK.timeout', 'HEALTHCHECK.startPeriod', 'HEALTHCHECK.retries', 'user', 'group', 'build stages']) {
      expect(server.roundTrip!.carried).toContain(k);
    }
    // No HEALTHCHECK and no manifest: the placeholder check, said in the statement and in a note, never a route.
    expect(worker.code).toContain('  healthCheck: HealthCheck.exec(["true"]),\n');
    expect(worker.code).toContain('the original has no livenessProbe and no HEALTHCHECK; the model writes one: `true` always passes');
    expect(worker.notes).toContain('livenessProbe and startupProbe: none in the original, and no HEALTHCHECK; now exec true, which always passes (choose with healthCheck)');
    const w = differences(worker);
    expect(w.HEALTHCHECK).toBe('hardening (none) -> set');
    expect(unlisted(w)).toEqual([]);
    // A relative WORKDIR: resolved against the WORKDIR before it (/ when none), so what the stages copy lands where it did.
    expect(jar.code).toContain('Instruction.workdir("jar/Dockerfile:7 WORKDIR application, relative to / (the WORKDIR before it; / when the file sets none).", "/application")');
    // No USER on a root base: the numeric non-root user and group of the hardening list.
    expect(differences(jar)).toEqual({ HEALTHCHECK: 'hardening (none) -> set', user: 'hardening 0 -> 1000', group: 'hardening (none) -> 1000' });
    expect(fragmentTypeErrors(renderFragment(parts))).toEqual([]);
  }, 120_000);

  test('a Dockerfile named <name>.dockerfile: the round trip reads back the file the statement writes under that name (0 unlisted)', () => {
    const parts = adopt('named-dockerfile');
    expect(parts.map((p) => [p.id, p.side?.source])).toEqual([['relay', 'dockerfile']]);
    const [relay] = parts;
    expect(relay.code).toContain('  dockerfileName: "relay.dockerfile",\n');
    expect(relay.roundTrip?.error).toBeUndefined();
    expect(relay.roundTrip!.carried).toEqual(expect.arrayContaining(['command', 'port 9100', 'HEALTHCHECK.check', 'HEALTHCHECK.interval', 'user']));
    expect(unlisted(differences(relay))).toEqual([]);
  }, 120_000);

  test('check --round-trip --format json counts them by source', () => {
    let json = '';
    const status = main(['check', '--round-trip', '--format', 'json', '.'], path.join(fixtures, 'dockerfile-alone'), (s) => { json += s; }, () => undefined);
    expect(status).toBe(0);
    const doc = JSON.parse(json);
    expect(doc.summary).toMatchObject({
      containers: 3,
      adopted: 3,
      refused: 0,
      unlisted: 0,
      bySource: { kubernetes: { containers: 0, adopted: 0 }, compose: { containers: 0, adopted: 0 }, dockerfile: { containers: 3, adopted: 3 } },
    });
    expect(doc.containers.map((c: { id: string; source: string }) => [c.id, c.source])).toEqual([['dockerfile-alone', 'dockerfile'], ['jar', 'dockerfile'], ['worker', 'dockerfile']]);
  }, 120_000);
});

describe('what counts as adopted', () => {
  test('a statement without refusal whose round trip failed (its files could not be read back) is not proven: unreadable, not adopted', () => {
    const parts = adopt('dockerfile-alone');
    expect(roundTripSummary(parts).adopted).toBe(parts.length);
    const failed: Adoption[] = parts.map((p, i) => (i === 0 ? { ...p, roundTrip: { ...p.roundTrip!, error: 'the statement wrote no Dockerfile' } } : p));
    const s = roundTripSummary(failed);
    expect([s.containers, s.adopted, s.refused, s.unreadable]).toEqual([parts.length, parts.length - 1, 0, 1]);
    expect(JSON.parse(formatRoundTripJson(failed)).containers[0].adopted).toBe(false);
    expect(formatRoundTripText(failed)).toContain(`${parts[0].id}: not proven, from `);
  });
});
