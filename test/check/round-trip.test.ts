import * as fs from 'fs';
import * as path from 'path';
import { adoptFixture, diffsOf, roundTripFixtures } from './adopt-util';
import { check } from '../../src/check/_check';
import { adoptAll, Adoption, canonicalArgv, changeComment, HARDENING, parseChanges } from '../../src/check/adopt';
import { main } from '../../src/check/cli';
import { formatRoundTripText, hasUnlisted } from '../../src/check/report';
import { corpusTable, runCorpus } from '../corpus/corpus';

const fixtures = roundTripFixtures;

/** Adopts every paired container of a fixture repository with the round trip. */
const adopt = (dir: string): Adoption[] => adoptFixture(dir, true);

/** The one adopted container's differences, `field` -> `class old -> new`. */
function differences(dir: string): Record<string, string> {
  const parts = adopt(dir);
  expect(parts.map((p) => [p.id, p.refusals])).toEqual([[parts[0].id, []]]);
  expect(parts[0].roundTrip!.error).toBeUndefined();
  return diffsOf(parts[0]);
}

describe('the round trip: the original container against what its statement generates, each difference classified', () => {
  test('shell-form CMD with $PORT and quotes: carried as the shell form Docker runs; a named account keeps its uid', () => {
    const d = differences('shell-cmd');
    // Carried over: the shell-form command (as /bin/sh -c <text>), the account's uid from useradd --uid 10001, the
    // Dockerfile's ENV and COPY (as the construct's instructions), the port, the liveness path and timing.
    for (const k of ['command', 'user', 'env PORT', 'contents app', 'port 8080', 'livenessProbe.path', 'livenessProbe.periodSeconds', 'livenessProbe.timeoutSeconds']) {
      expect([k, d[k]]).toEqual([k, undefined]);
    }
    // The manifest's env stays in the user's workload: the fragment names it.
    expect(d['env LOG_LEVEL']).toBe('named debug -> (none)');
    // No startupProbe before: the construct adds one, and the fragment says so.
    expect(d.startupProbe).toBe('named (none) -> set');
    // Hardening from the one list.
    expect(d['securityContext.readOnlyRootFilesystem']).toBe('hardening (none) -> true');
    expect(d['securityContext.capabilities.drop']).toBe('hardening (none) -> ALL');
    expect(d['volumeMount /tmp']).toBe('hardening (none) -> emptyDir');
    expect(d.HEALTHCHECK).toBe('hardening (none) -> set');
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('a health port of its own (8081, by name and by number) and a metrics port: each port and each probe port carried, 0 unlisted differences', () => {
    const parts = adopt('health-port');
    expect(parts[0].code).toContain('  port: 8080,\n  portName: "http",\n  additionalPorts: [{ name: "healthz", containerPort: 8081 }, { name: "metrics", containerPort: 9090 }],');
    expect(parts[0].code).toContain('  healthCheck: HealthCheck.httpGet({ path: "/healthz", port: 8081 }),');
    expect(parts[0].code).toContain('  readinessCheck: HealthCheck.httpGet({ path: "/readyz", port: 8081 }),');
    const d = differences('health-port');
    // Carried: each port (the EXPOSE the original lacked for 9090 documents it), each probe's port by meaning
    // (`healthz` and 8081 are the same port).
    for (const k of ['port 8080', 'port 8081', 'port 9090', 'livenessProbe.port', 'readinessProbe.port', 'livenessProbe.path', 'readinessProbe.path', 'livenessProbe.periodSeconds', 'readinessProbe.periodSeconds']) {
      expect([k, d[k]]).toEqual([k, undefined]);
    }
    // The startupProbe checks the liveness check (GET /healthz) on the same port: the handler change is named.
    expect(d['startupProbe.handler']).toBe('named tcpSocket -> httpGet');
    expect(Object.entries(d).filter(([, v]) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('a probe on a port nothing declares, beside a UDP port: the probe port is declared (named), the UDP port carried', () => {
    const parts = adopt('probe-undeclared');
    expect(parts[0].code).toContain('  additionalPorts: [{ name: "port-7000", containerPort: 7000, protocol: PortProtocol.UDP }, { name: "probe-9901", containerPort: 9901 }],');
    expect(parts[0].imports).toContain('PortProtocol');
    const d = differences('probe-undeclared');
    expect(d['port 9901']).toBe('named (none) -> EXPOSE, containerPort probe-9901');
    for (const k of ['port 7000', 'port 7001', 'livenessProbe.port', 'readinessProbe.port']) expect([k, d[k]]).toEqual([k, undefined]);
    expect(Object.entries(d).filter(([, v]) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('a probe on another port and scheme than the service port: refused with each reason and its fix, never moved', () => {
    const parts = adopt('probe-port');
    expect(parts.map((p) => p.refusals)).toEqual([[{
      reason: 'k8s/deployment.yaml:16 livenessProbe.httpGet.scheme is HTTPS: the model\'s checks are plain HTTP (its servers serve HTTP; TLS ends in front of them)',
      fix: 'probe a plain-HTTP health port, or keep this container\'s files as they are',
    }]]);
    expect(parts[0].roundTrip).toBeUndefined();
  }, 60_000);

  test('a startupProbe with initialDelaySeconds 60: the same budget, its delay and threshold named', () => {
    const d = differences('startup-delay');
    expect(d['startupProbe.initialDelaySeconds']).toBe('named 60 -> 0');
    expect(d['startupProbe.failureThreshold']).toBe('named 30 -> 36');
    // The period is carried over.
    expect(d['startupProbe.periodSeconds']).toBeUndefined();
  }, 60_000);

  test('a read-only Secret mount stays the user\'s, named in the fragment; a port gaining a name is no difference', () => {
    const d = differences('secret-mount');
    expect(d['volumeMount /home/node/.ssh']).toBe('named secret:deploy-key read-only -> (none)');
    expect(adopt('secret-mount')[0].changes.map(changeComment)).toContain('// changes: volumeMount /home/node/.ssh: secret:deploy-key read-only -> (none)');
    expect(d['volumeMount /var/cache/sync']).toBeUndefined();
    expect(d['port 3000']).toBeUndefined();
    expect(d['contents package.json']).toBeUndefined();
  }, 60_000);

  test('a multi-stage Go build: the build stage and what the final stage copies from it are carried; HEALTHCHECK flags the manifest replaces are named', () => {
    const d = differences('go-healthcheck');
    expect(d['build stages']).toBeUndefined();
    expect(d['contents stage golang:1.23.2-bookworm:/out/api']).toBeUndefined();
    expect(d['contents stage golang:1.23.2-bookworm:/out/healthcheck']).toBeUndefined();
    expect(d['HEALTHCHECK.timeout']).toBe('named 2s -> 1s');
    expect(d['HEALTHCHECK.startPeriod']).toBe('named 0s -> 10s');
    // The check itself (its program and URL) and the command are carried over.
    expect(d['HEALTHCHECK.check']).toBeUndefined();
    expect(d.command).toBeUndefined();
  }, 60_000);

  test('distroless with no HEALTHCHECK and no check program: adopted with noDockerHealthcheck, the image still has no Docker check', () => {
    const parts = adopt('distroless-probes');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['operator', []]]);
    expect(parts[0].code).toContain('  noDockerHealthcheck: true,');
    const d = diffsOf(parts[0]);
    // No HEALTHCHECK before, HEALTHCHECK NONE after: the same (no Docker check), so no difference; the probes as they were.
    expect(d.HEALTHCHECK).toBeUndefined();
    expect(parts[0].roundTrip!.carried).toEqual(expect.arrayContaining(['HEALTHCHECK', 'livenessProbe.handler', 'livenessProbe.periodSeconds', 'readinessProbe.path', 'readinessProbe.periodSeconds', 'build stages']));
    // What differs is the construct's startupProbe (named) and the hardening list's.
    expect(d.startupProbe).toBe('named (none) -> set');
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('an unpinned shell-less base (Chainguard static, no tag, no HEALTHCHECK): fromUnpinnedReference and noDockerHealthcheck, the WORKDIR normalized', () => {
    const parts = adopt('chainguard-unpinned');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['reconciler', []]]);
    expect(parts[0].code).toContain('  baseImage: BaseImage.fromUnpinnedReference("cgr.dev/chainguard/static"),');
    expect(parts[0].code).toContain('  // The base image cgr.dev/chainguard/static is not pinned (no tag, Dockerfile:6), as in the original');
    expect(parts[0].code).toContain('  noDockerHealthcheck: true,');
    const d = diffsOf(parts[0]);
    expect(d.HEALTHCHECK).toBeUndefined();
    // The manifest's second port: carried as an additionalPorts entry under its own name, so no difference.
    expect(parts[0].code).toContain('name: "metrics"');
    expect(parts[0].code).toContain('containerPort: 9090');
    expect(Object.keys(d).filter((k) => k.includes('9090'))).toEqual([]);
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('a Go multi-stage build onto FROM scratch: BaseImage.scratch(), the build stage and the copied files carried, USER numeric and not created, 0 unlisted', () => {
    const parts = adopt('go-scratch');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['exporter', []]]);
    expect(parts[0].code).toContain('  baseImage: BaseImage.scratch(),');
    expect(parts[0].code).toContain('  user: { uid: 65534 },');
    expect(parts[0].code).toContain('  noDockerHealthcheck: true,');
    expect(parts[0].roundTrip!.error).toBeUndefined();
    const d = diffsOf(parts[0]);
    expect(parts[0].roundTrip!.carried).toEqual(expect.arrayContaining(['build stages', 'user', 'HEALTHCHECK', 'livenessProbe.path', 'livenessProbe.periodSeconds', 'readinessProbe.handler']));
    for (const k of ['build stages', 'user', 'HEALTHCHECK', 'command', 'port 9121']) expect([k, d[k]]).toEqual([k, undefined]);
    // USER 65534 without a group (gid 0 on scratch, which has no /etc/passwd): the model's numeric group, on the hardening list.
    expect(d.group).toBe('hardening (none) -> 1000');
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('a build stage FROM golang:latest that copies from an image tagged latest: carried with unpinnedImages and how to pin, 0 unlisted', () => {
    const parts = adopt('go-latest-builder');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['server', []]]);
    expect(parts[0].code).toContain('unpinnedImages: ["golang:latest", "ghcr.io/example/tools:latest"]');
    expect(parts[0].code).toContain('    // Stage builder (Dockerfile:1) names golang:latest, ghcr.io/example/tools:latest without a pin (no tag, latest, or a build arg without a default), as in the original');
    const d = diffsOf(parts[0]);
    expect(d['build stages']).toBeUndefined();
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('a service port only the probes name (no containerPort, no EXPOSE): the port the model declares is named, 0 unlisted', () => {
    const parts = adopt('probe-only-port');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['ledger', []]]);
    expect(parts[0].code).toContain('  port: 8080,');
    const d = diffsOf(parts[0]);
    expect(d['port 8080']).toBe('named (none) -> EXPOSE, containerPort http');
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('a final base whose tag names a global ARG without a default (latest-${GOARCH}): fromUnpinnedReference and globalArgs, 0 unlisted', () => {
    const parts = adopt('arg-tag-base');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['metrics', []]]);
    expect(parts[0].code).toContain('  baseImage: BaseImage.fromUnpinnedReference("gcr.io/distroless/static-debian12:latest-${GOARCH}"),');
    // Both global ARGs the FROMs name, as the original declares them (--build-arg still sets each); the build stage's
    // FROM as the original writes it.
    expect(parts[0].code).toContain([
      '  globalArgs: [',
      '    Instruction.arg("Dockerfile:1 ARG, as the original writes it (--build-arg GOVERSION=<value> replaces the default).", "GOVERSION", "1.23.2"),',
      '    Instruction.arg("Dockerfile:2 ARG, as the original writes it: no default, the build passes --build-arg GOARCH=<value>.", "GOARCH"),',
      '  ],',
    ].join('\n'));
    expect(parts[0].code).toContain('new DockerfileStage({ name: "builder", from: "golang:${GOVERSION}-bookworm", comment: "Stage builder of Dockerfile (line 3), as the original writes it." })');
    // USER nobody on a known distroless repository: its standard account, not created; no check program: the kubelet's probes.
    expect(parts[0].code).toContain('  user: { name: "nobody", uid: 65534, group: "nogroup", gid: 65534, existing: true },');
    expect(parts[0].code).toContain('  noDockerHealthcheck: true,');
    const d = diffsOf(parts[0]);
    expect([d['build stages'], d.command]).toEqual([undefined, undefined]);
    // USER nobody read back as 65534:65534: the hardening list's named-account-to-uid.
    expect([d.user, d.group]).toEqual(['hardening nobody -> 65534', 'hardening (none) -> 65534']);
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('the final stage copies from an image tagged latest (COPY --from=ghcr.io/astral-sh/uv:latest): unpinnedImages with how to pin, 0 unlisted', () => {
    const parts = adopt('final-copy-latest');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['jobs', []]]);
    expect(parts[0].code).toContain('  unpinnedImages: ["ghcr.io/astral-sh/uv:latest"],');
    expect(parts[0].code).toContain('  // The final stage copies from ghcr.io/astral-sh/uv:latest, not pinned (no tag, or latest), as in the original');
    const d = diffsOf(parts[0]);
    expect(d['contents image ghcr.io/astral-sh/uv:latest:/uv']).toBeUndefined();
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('a final FROM ${BASE_IMAGE} with a default: written as that value, and the --build-arg it no longer takes named', () => {
    const parts = adopt('arg-default-base');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['relay', []]]);
    expect(parts[0].code).toContain('  baseImage: BaseImage.fromReference("gcr.io/distroless/static-debian12:nonroot"),');
    expect(parts[0].notes).toContain('Dockerfile:7 FROM ${BASE_IMAGE}: written as gcr.io/distroless/static-debian12:nonroot, the value ARG BASE_IMAGE has by default; a --build-arg BASE_IMAGE no longer changes the base image (set baseImage to the image you build with)');
    expect(Object.values(diffsOf(parts[0])).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('a build stage FROM $BUILD_BASE_IMAGE (a global ARG without a default) onto scratch: unpinnedImages and globalArgs, 0 unlisted', () => {
    const parts = adopt('arg-build-base');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['gateway', []]]);
    expect(parts[0].code).toContain('from: "$BUILD_BASE_IMAGE", comment: "Stage build of Dockerfile (line 3), as the original writes it.", unpinnedImages: ["$BUILD_BASE_IMAGE"] })');
    expect(parts[0].code).toContain('"BUILD_BASE_IMAGE"),\n  ],');
    expect(parts[0].code).toContain('  baseImage: BaseImage.scratch(),');
    const d = diffsOf(parts[0]);
    expect(d['build stages']).toBeUndefined();
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('FROM scratch without USER, the manifest\'s runAsUser and runAsGroup: both carried as the numeric user, 0 unlisted', () => {
    const parts = adopt('scratch-run-as');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['ctl', []]]);
    expect(parts[0].code).toContain('  user: { uid: 65534, gid: 65534 },');
    const d = diffsOf(parts[0]);
    expect([d.user, d.group]).toEqual([undefined, undefined]);
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('USER nobody, a standard account of the base: run as it (existing: true), not created; the same uid and gid', () => {
    const parts = adopt('standard-account');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['relay', []]]);
    expect(parts[0].code).toContain('  user: { name: "nobody", uid: 65534, group: "nogroup", gid: 65534, existing: true },');
    const d = diffsOf(parts[0]);
    // USER nobody and USER 65534:65534 are the same account: carried, no difference.
    expect(parts[0].roundTrip!.carried).toEqual(expect.arrayContaining(['user', 'group']));
    expect([d.user, d.group]).toEqual([undefined, undefined]);
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('an ENTRYPOINT the manifest\'s args follow (no CMD): kept as the ENTRYPOINT, the args as the CMD, so the workload\'s args still follow the program', () => {
    const parts = adopt('entrypoint-args');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['operator', []]]);
    expect(parts[0].code).toContain('  entrypoint: ["/app/server"],');
    expect(parts[0].code).toContain('  command: ["--log-level=debug", "--listen=:8080"],');
    const d = diffsOf(parts[0]);
    // The argv Kubernetes runs is the same: /app/server --log-level=debug --listen=:8080.
    expect(d.command).toBeUndefined();
    expect(parts[0].roundTrip!.carried).toContain('command');
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('a startupProbe timeout longer than what the model writes (the liveness timeout within its period): named, not unlisted', () => {
    const d = differences('startup-timeout');
    expect(d['startupProbe.timeoutSeconds']).toBe('named 3 -> 2');
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('FastAPI built in a uv builder stage: the general construct carries the stage (FastApiBackend would replace it) and the gid groupadd gave, nothing unlisted', () => {
    const parts = adopt('fastapi-uv-stages');
    expect(parts.map((p) => p.refusals)).toEqual([[]]);
    expect(parts[0].code).toMatch(/^new ContainerService\(/m);
    expect(parts[0].code).toContain('new DockerfileStage({ name: "builder", from: "python:3.12-slim"');
    // groupadd --gid 10001: the account keeps its group id (the construct's default gid would change the files' group).
    expect(parts[0].code).toContain('  user: { name: "app", uid: 10001, group: "app", gid: 10001 },');
    const d = diffsOf(parts[0]);
    expect(d['build stages']).toBeUndefined();
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('WORKDIR with a trailing slash: carried as the same directory, normalized (the construct takes normalized paths only)', () => {
    const parts = adopt('workdir-slash');
    expect(parts.map((p) => [p.id, p.refusals])).toEqual([['relay', []]]);
    expect(parts[0].notes.filter((n) => /WORKDIR/.test(n))).toEqual([]);
    expect(parts[0].code).toContain('Instruction.workdir("Dockerfile:2 WORKDIR /go/src/example.org/relay/, the same directory written normalized.", "/go/src/example.org/relay")');
    expect(parts[0].code).toContain('Instruction.workdir("Dockerfile:7 WORKDIR /srv/relay/, the same directory written normalized.", "/srv/relay")');
    const d = diffsOf(parts[0]);
    // What the final stage copies lands where it did: /srv/relay/relay.
    expect(parts[0].roundTrip!.carried).toEqual(expect.arrayContaining(['build stages', 'command']));
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('a HEALTHCHECK on another path than the livenessProbe, a liveness delay under a startupProbe, a manifest env over an ENV: each named', () => {
    const d = differences('healthcheck-path');
    expect(d['HEALTHCHECK.check']).toBe('named GET /health on port 8080 -> GET /live on port 8080');
    expect(d['HEALTHCHECK.startPeriod']).toBe('named 0s -> 110s');
    expect(d['livenessProbe.initialDelaySeconds']).toBe('named 3 -> 0');
    // The manifest's LOG_LEVEL (debug) overrode the image's ENV (info); the snippet does not write env: named.
    expect(d['env LOG_LEVEL']).toBe('named debug -> info');
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('FastAPI without --workers: one process either way, WORKDIR carried through the stages, the preset\'s environment named', () => {
    const d = differences('fastapi-plain');
    // uvicorn runs one process by default: `--workers 1` is the same command and count.
    expect([d.workers, d.command]).toEqual([undefined, undefined]);
    // The COPYs land in /app in both (the generated final stage inherits WORKDIR /app from its base stage).
    expect([d['contents .'], d['contents requirements.txt']]).toEqual([undefined, undefined]);
    expect(d['env UV_LINK_MODE']).toBe('named (none) -> copy');
    expect(d['env PATH']).toMatch(/^named \(none\) -> \/app\/\.venv\/bin:/);
    expect(Object.values(d).filter((v) => v.startsWith('unlisted'))).toEqual([]);
  }, 60_000);

  test('the fragment names what the statement changes in the one change-comment form, which the round trip reads back', () => {
    const parts = adopt('go-healthcheck');
    const lines = parts[0].changes.map(changeComment);
    expect(lines).toContain('// changes: HEALTHCHECK.timeout: 2s -> 1s');
    expect(parseChanges(lines.join('\n'))).toEqual(parts[0].changes);
  }, 60_000);

  test('the example\'s own files round-trip: the backend with no difference at all, the frontend only by the start command of the /api/ proxy it does not carry', () => {
    const cwd = path.join(__dirname, '..', '..', 'examples', 'fullstack');
    const result = check({ paths: ['.'], cwd });
    const parts = adoptAll(result.pairs.filter((p) => p.image).map((p) => ({ container: p.container, image: p.image! })), cwd, { roundTrip: true });
    const by = Object.fromEntries(parts.map((p) => [p.id, p.roundTrip!.differences.map((d) => `${d.class} ${d.field}`)]));
    // The frontend's start command (the resolver step of its /api/ route, which is not carried over) becomes
    // StaticFrontend's own: named in the fragment.
    expect(by).toEqual({ backend: [], frontend: ['named command'] });
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
    expect(status).toBe(0);
    expect(out).toContain('orders: adopted (needs replaceExisting: true), from Dockerfile + k8s/deployment.yaml (Deployment/orders/orders): ');
    expect(out).toContain('  named     startupProbe.initialDelaySeconds: 60 -> 0\n');
    expect(out).toContain('  hardening securityContext.runAsNonRoot: (none) -> true\n');
    let json = '';
    main(['check', '--round-trip', '--format', 'json', '.'], path.join(fixtures, 'startup-delay'), (s) => { json += s; }, () => undefined);
    const doc = JSON.parse(json);
    expect(doc.containers[0]).toMatchObject({ id: 'orders', adopted: true, optIn: true, dockerfile: 'Dockerfile', container: 'Deployment/orders/orders' });
    expect(doc.containers[0].differences).toContainEqual({ field: 'startupProbe.initialDelaySeconds', old: '60', new: '0', class: 'named' });
    expect(doc.summary).toMatchObject({ containers: 1, adopted: 1, refused: 0, named: 2, hardening: 8, unlisted: 0 });
    // An unlisted difference (a field neither the fragment names nor the hardening list holds) is what makes exit 1.
    const parts = adopt('startup-delay');
    expect(hasUnlisted(parts)).toBe(false);
    const rt = parts[0].roundTrip!;
    const unlisted = [{ ...parts[0], roundTrip: { ...rt, differences: [...rt.differences, { field: 'livenessProbe.port', old: '9440', new: '8080', class: 'unlisted' as const }] } }];
    expect(hasUnlisted(unlisted)).toBe(true);
    expect(formatRoundTripText(unlisted)).toContain('  unlisted  livenessProbe.port: 9440 -> 8080\n');
  }, 120_000);

  /** The bySource counts of a repository of Kubernetes containers only. */
  const K8S = (containers: number, adopted: number) => ({
    kubernetes: { containers, adopted }, compose: { containers: 0, adopted: 0 }, dockerfile: { containers: 0, adopted: 0 },
  });

  test('check-corpus counts the round trip per repository: adopted, refused by reason, named, hardening, unlisted', () => {
    const rows = runCorpus(fixtures);
    const by = Object.fromEntries(rows.map((r) => [r.repository, r.roundTrip]));
    // Distroless without a check program or HEALTHCHECK: adopted with noDockerHealthcheck (refused over checkTool before).
    expect(by['go-multistage']).toEqual({ containers: 1, adopted: 1, refused: 0, refusedBy: {}, named: 1, hardening: 7, unlisted: 0, bySource: K8S(1, 1) });
    expect(by['startup-delay']).toEqual({ containers: 1, adopted: 1, refused: 0, refusedBy: {}, named: 2, hardening: 8, unlisted: 0, bySource: K8S(1, 1) });
    const table = corpusTable(rows);
    expect(table.split('\n')[0]).toMatch(/\| adopted \| refused \(by reason\) \| named \| hardening \| unlisted \|$/);
    expect(table).toMatch(/\| go-multistage \|.*\| 1\/1 \| 0 \| 1 \| 7 \| 0 \|/);
  }, 120_000);
});
