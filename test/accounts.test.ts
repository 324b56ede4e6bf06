import { BaseImage, ContainerService, FastApiBackend, HealthCheck, StaticFrontend } from '../src';
import { errorOf, newProject, only, parseDockerfile, parseSnippet, stage, synth } from './util';
import { baseAccount } from '../src/images/_facts';

describe('accounts the base image already has', () => {
  test('nobody 65534 on Debian: USER 65534:65534 and runAsUser 65534, nothing created', () => {
    const project = newProject();
    new FastApiBackend(project, 'backend', { user: { name: 'nobody', uid: 65534, group: 'nogroup', gid: 65534, existing: true } });
    const files = synth(project);
    const stages = parseDockerfile(files['backend/Dockerfile']);
    expect(only(stage(stages, 'production'), 'USER').args).toEqual(['65534:65534']);
    const runs = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.raw.getTextContent()));
    expect(runs.join('\n')).not.toMatch(/groupadd|useradd/);
    const sc = parseSnippet(files['k8s/backend.yaml']).containers[0].securityContext;
    expect([sc.runAsUser, sc.runAsGroup, sc.runAsNonRoot]).toEqual([65534, 65534, true]);
  });

  test('nobody on Alpine (nginx) and distroless nonroot 65532 given explicitly', () => {
    const project = newProject();
    new StaticFrontend(project, 'frontend', { user: { name: 'nobody', uid: 65534, group: 'nobody', gid: 65534, existing: true } });
    new ContainerService(project, 'static', {
      baseImage: BaseImage.distroless('gcr.io/distroless/static-debian12:nonroot'),
      user: { name: 'nonroot', uid: 65532, group: 'nonroot', gid: 65532, existing: true },
      healthCheck: HealthCheck.exec(['/app/healthcheck']),
      readinessCheck: HealthCheck.exec(['/app/healthcheck', 'ready']),
      command: ['/app/server'],
    });
    const files = synth(project);
    const prod = stage(parseDockerfile(files['frontend/Dockerfile']), 'production');
    expect(only(prod, 'USER').args).toEqual(['65534:65534']);
    expect(prod.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.raw.getTextContent()).join('\n')).not.toMatch(/addgroup|adduser/);
    expect(only(stage(parseDockerfile(files['static/Dockerfile']), 'production'), 'USER').args).toEqual(['65532:65532']);
  });

  test('creating an id or name the base already uses: a clear error with the way to run as it', () => {
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { user: { uid: 65534, gid: 65534 } }))).toBe(
      "backend.user.uid: must be an id the base image does not already use (65534 is nobody/nogroup on Debian and Alpine; creating it fails the build): to run as that account without creating it, set user { name: 'nobody', uid: 65534, group: 'nogroup', gid: 65534, existing: true }; received 65534",
    );
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { user: { uid: 2000, gid: 65532 } }))).toMatch(
      /^backend.user.gid: must be an id the base image does not already use \(65532 is nonroot on distroless and Chainguard images; creating it fails the build\)/,
    );
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { user: { name: 'nobody', uid: 2000, gid: 2000 } }))).toBe(
      "backend.user.name: must be a name base images do not already have (creating it would fail the build); to run as the base image's own nobody, set user { name: 'nobody', uid: 65534, group: 'nogroup', gid: 65534, existing: true }; received \"nobody\"",
    );
  });

  test('the fix names the standard account as the family has it: nobody 65534:65534 (group nogroup on Debian, nobody on Alpine), nonroot 65532:65532', () => {
    // The case: uid 65534 named nobody, the group left to the default.
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { user: { uid: 65534, name: 'nobody' } }))).toContain(
      "set user { name: 'nobody', uid: 65534, group: 'nogroup', gid: 65534, existing: true }",
    );
    expect(errorOf(() => new StaticFrontend(newProject(), 'frontend', { user: { uid: 65534, name: 'nobody' } }))).toContain(
      "set user { name: 'nobody', uid: 65534, group: 'nobody', gid: 65534, existing: true }",
    );
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { user: { uid: 65532, gid: 65532 } }))).toContain(
      "set user { name: 'nonroot', uid: 65532, group: 'nonroot', gid: 65532, existing: true }",
    );
    // An id below 1000 the base image has (www-data 33 on Debian): that account, from the one list (baseAccount).
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { user: { uid: 33 } }))).toContain(
      "set user { name: 'www-data', uid: 33, group: 'www-data', gid: 33, existing: true }; received 33",
    );
    // One it cannot know: the given ids, with the base image's names and ids to fill in.
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { user: { uid: 42 } }))).toContain(
      "set user { name: 'appuser', uid: 42, group: 'appuser', gid: 1000, existing: true } with the base image's names and ids",
    );
  });

  test('baseAccount: the one list of the accounts base images have, by name, group or uid, as the base has them', () => {
    expect(baseAccount('debian:12-slim', 65534)).toEqual({ name: 'nobody', uid: 65534, group: 'nogroup', gid: 65534 });
    expect(baseAccount('alpine:3.20', 'nobody')).toEqual({ name: 'nobody', uid: 65534, group: 'nobody', gid: 65534 });
    expect(baseAccount('gcr.io/distroless/static-debian12:nonroot', 65532)).toEqual({ name: 'nonroot', uid: 65532, group: 'nonroot', gid: 65532 });
    expect(baseAccount('php:8.3-apache', 'www-data')).toEqual({ name: 'www-data', uid: 33, group: 'www-data', gid: 33 });
    expect(baseAccount('php:8.3-fpm-alpine', 82)).toEqual({ name: 'www-data', uid: 82, group: 'www-data', gid: 82 });
    expect(baseAccount('scratch', 65534)).toBeUndefined();
    expect(baseAccount('debian:12-slim', 1000)).toBeUndefined();
  });
});
