// BaseImage.scratch(): a final stage FROM scratch (no shell, no package manager, no /etc/passwd); build stages that
// name unpinned images on purpose (DockerfileStageOptions.unpinnedImages).
import { BaseImage, CheckTool, ContainerService, ContainerServiceProps, Dockerfile, DockerfileStage, HealthCheck, ImageFamily, Instruction } from '../src';
import { lintDockerfile } from './lint';
import { dockerfileErrors, errorOf, listFiles, newProject, only, parseDockerfile, stage, synth } from './util';

type Props = Omit<ContainerServiceProps, 'baseImage' | 'command'> & Partial<Pick<ContainerServiceProps, 'baseImage' | 'command'>>;

const goBuild = () => new DockerfileStage({ name: 'build', from: 'golang:1.23.2-bookworm', comment: 'Builds the static binary.' }).add(
  Instruction.workdir('Sources.', '/src'),
  Instruction.copy('Sources.', ['.'], '.'),
  Instruction.run('Static binary.', ['CGO_ENABLED=0 go build -o /out/op .']),
);

function service(props: Props = {}) {
  const project = newProject();
  const warnings: string[] = [];
  project.logger.warn = (...args: any[]) => void warnings.push(args.join(' '));
  new ContainerService(project, 'op', {
    baseImage: BaseImage.scratch(),
    command: ['/op'],
    buildStages: [goBuild()],
    instructions: [Instruction.copy('The binary.', ['/out/op'], '/op', { from: 'build' })],
    ...props,
  });
  const files = synth(project);
  return { files, warnings, dockerfile: files['op/Dockerfile'], stages: parseDockerfile(files['op/Dockerfile']) };
}

function failure(props: Props) {
  const project = newProject();
  const message = errorOf(() => {
    new ContainerService(project, 'op', { baseImage: BaseImage.scratch(), command: ['/op'], ...props });
    project.synth();
  });
  return { message, written: listFiles(project.outdir).filter((f) => !f.startsWith('.projen') && f !== '.gitattributes' && f !== '.gitignore') };
}

describe('BaseImage.scratch()', () => {
  test('the reference is scratch, the family DISTROLESS (no shell, no package manager); fromReference and fromUnpinnedReference take it the same way', () => {
    const s = BaseImage.scratch();
    expect([s.reference, s.family]).toEqual(['scratch', ImageFamily.DISTROLESS]);
    for (const b of [BaseImage.fromReference('scratch'), BaseImage.fromUnpinnedReference('scratch')]) {
      expect([b.reference, b.family]).toEqual(['scratch', ImageFamily.DISTROLESS]);
    }
  });

  test('the rendered Dockerfile: FROM scratch, no RUN, USER numeric (default 1000:1000, no account created), HEALTHCHECK runs checkBinary', () => {
    const r = service({ checkBinary: '/healthcheck', healthCheck: HealthCheck.httpGet({ path: '/healthz' }), readinessCheck: HealthCheck.httpGet({ path: '/readyz' }) });
    const prod = stage(r.stages, 'production');
    expect(prod.from).toBe('scratch');
    expect(r.dockerfile).toMatch(/^FROM scratch AS production$/m);
    expect(prod.instructions.filter((i) => i.keyword === 'RUN')).toEqual([]);
    expect(r.dockerfile).not.toMatch(/useradd|adduser|groupadd|addgroup|apt-get|apk/);
    expect(only(prod, 'USER').args).toEqual(['1000:1000']);
    expect(only(prod, 'USER').comment).toContain('scratch has no /etc/passwd');
    expect(only(prod, 'HEALTHCHECK').json).toEqual(['/healthcheck', 'http://127.0.0.1:8080/healthz', '10']);
    // No pin to check and no warning about it: scratch is never pulled.
    expect(r.warnings.filter((w) => w.includes('pinned'))).toEqual([]);
    expect(lintDockerfile(r.dockerfile)).toEqual([]);
    expect(dockerfileErrors(r.dockerfile)).toEqual([]);
  });

  test('a numeric user of the original (65534, 65532) runs as it: written numeric, never created, no "already used" error', () => {
    const r = service({ user: { uid: 65534, gid: 65534 }, noDockerHealthcheck: true });
    expect(only(stage(r.stages, 'production'), 'USER').args).toEqual(['65534:65534']);
    expect(only(stage(r.stages, 'production'), 'HEALTHCHECK').args).toEqual(['NONE']);
    expect(service({ user: { uid: 65532, gid: 65532 }, noDockerHealthcheck: true }).dockerfile).toMatch(/^USER 65532:65532$/m);
  });

  test('what needs a shell, a package manager or a check tool in the final stage is an error naming why and the fix; nothing written', () => {
    const probes = { healthCheck: HealthCheck.httpGet({ path: '/healthz' }), readinessCheck: HealthCheck.httpGet({ path: '/readyz' }) };
    expect(failure(probes).message).toBe("op.checkBinary: must be a health-check program in the image: scratch has no shell, package manager or runtime that can run a httpGet check; set checkBinary to a program the stages copy in, or noDockerHealthcheck: true (only the kubelet's probes check the container); received undefined");
    expect(failure({ ...probes, checkTool: CheckTool.WGET }).message).toBe(
      'op.checkTool: must be a tool the final stage has (none) or can install (none: no package manager); declare tools your own instructions add in addedTools; received "wget"');
    expect(failure({ ...probes, checkBinary: '/hc', systemPackages: ['ca-certificates'] }).message).toBe(
      'op.systemPackages: must be empty for a scratch base image (it has no package manager); received ["ca-certificates"]');
    expect(failure({ ...probes, healthCheck: HealthCheck.shell('test -f /tmp/alive') }).message).toMatch(/^op\.healthCheck: must be an exec check without a shell: scratch has no \/bin\/sh/);
    const run = failure({ ...probes, checkBinary: '/hc', instructions: [Instruction.run('No shell here.', ['mkdir -p /data'])] });
    expect(run.message).toBe('op/Dockerfile.stages[production].run: must be no RUN in a scratch stage (it has no shell; build in an earlier stage and COPY --from it); received "mkdir -p /data"');
    expect(run.written).toEqual([]);
  });

  test('writable paths need nothing in the image: emptyDir mounts only, no RUN mkdir', () => {
    const r = service({ noDockerHealthcheck: true, writablePaths: ['/tmp', '/var/cache/op'] });
    expect(r.dockerfile).not.toContain('/var/cache/op');
    expect(r.files['k8s/op.yaml']).toContain('mountPath: /var/cache/op');
  });
});

describe('DockerfileStageOptions.unpinnedImages: build stages and COPY --from images that float, on purpose', () => {
  function build(stages: DockerfileStage[]) {
    const project = newProject();
    const warnings: string[] = [];
    project.logger.warn = (...args: any[]) => void warnings.push(args.join(' '));
    new ContainerService(project, 'web', {
      baseImage: BaseImage.fromReference('nginx:1.27-alpine'),
      command: ['nginx', '-g', 'daemon off;'],
      buildStages: stages,
      instructions: [Instruction.copy('The site.', ['/out'], '/usr/share/nginx/html', { from: 'build' })],
      healthCheck: HealthCheck.httpGet({ path: '/' }),
      readinessCheck: HealthCheck.httpGet({ path: '/' }),
    });
    return { project, warnings };
  }

  test('a build stage FROM golang:latest and a COPY --from=<image>:latest are refused unless listed', () => {
    const latest = new DockerfileStage({ name: 'build', from: 'golang:latest', comment: 'Build.' });
    expect(errorOf(() => build([latest]).project.synth())).toBe(
      "web/Dockerfile.stages[build].from: must be an image reference pinned by a tag other than 'latest' or by an @sha256 digest; received \"golang:latest\"");
    const uv = new DockerfileStage({ name: 'build', from: 'python:3.12-slim', comment: 'Build.' })
      .add(Instruction.copy('uv.', ['/uv'], '/bin/uv', { from: 'ghcr.io/astral-sh/uv:latest' }));
    expect(errorOf(() => build([uv]).project.synth())).toMatch(/^web\/Dockerfile\.stages\[build\]\.copy\.from: must be an image reference pinned/);
  });

  test('listed: written as they are, said in the stage comment, one synth warning each with how to pin', () => {
    const s = new DockerfileStage({ name: 'build', from: 'golang', comment: 'Build.', unpinnedImages: ['golang', 'ghcr.io/astral-sh/uv:latest'] })
      .add(Instruction.copy('uv.', ['/uv'], '/bin/uv', { from: 'ghcr.io/astral-sh/uv:latest' }));
    const { project, warnings } = build([s]);
    const text = synth(project)['web/Dockerfile'];
    expect(text).toMatch(/^FROM golang AS build$/m);
    expect(text).toContain('COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv');
    expect(text).toContain('# Build. Not pinned (unpinnedImages): golang, ghcr.io/astral-sh/uv:latest; each build may take another image.');
    expect(warnings.filter((w) => w.includes('not pinned'))).toEqual([
      'web/Dockerfile.stages[build]: golang is not pinned (no tag, latest, or a build arg without a default; unpinnedImages): each build may take another image (hadolint DL3006/DL3007); pin it with a version tag or a digest (<repository>:<version>) and take it out of unpinnedImages',
      'web/Dockerfile.stages[build]: ghcr.io/astral-sh/uv:latest is not pinned (no tag, latest, or a build arg without a default; unpinnedImages): each build may take another image (hadolint DL3006/DL3007); pin it with a version tag or a digest (<repository>:<version>) and take it out of unpinnedImages',
    ]);
  });

  test('a plain Dockerfile takes the same opt-in; a malformed entry is an error at construction', () => {
    const project = newProject();
    const warnings: string[] = [];
    project.logger.warn = (...args: any[]) => void warnings.push(args.join(' '));
    new Dockerfile(project, 'Dockerfile', {
      stages: [new DockerfileStage({ name: 'tools', from: 'alpine', comment: 'Tools.', unpinnedImages: ['alpine'] }).add(Instruction.user('Non-root.', 1000, 1000))],
    });
    expect(synth(project).Dockerfile).toMatch(/^FROM alpine AS tools$/m);
    expect(warnings).toHaveLength(1);
    expect(errorOf(() => new DockerfileStage({ name: 'b', from: 'x', comment: 'c', unpinnedImages: ['Not A Ref'] }))).toMatch(/^DockerfileStage\(b\)\.unpinnedImages\[0\]: must be an image reference/);
  });
});

describe('global build args without a default in FROM (ContainerServiceProps.globalArgs)', () => {
  const probes = { healthCheck: HealthCheck.httpGet({ path: '/livez' }), readinessCheck: HealthCheck.httpGet({ path: '/readyz' }), noDockerHealthcheck: true };

  test('a final base whose tag names one: written before the first FROM, the base as written, a warning', () => {
    const r = service({
      ...probes,
      baseImage: BaseImage.fromUnpinnedReference('gcr.io/distroless/static-debian12:latest-${GOARCH}'),
      globalArgs: [Instruction.arg('Set by --build-arg.', 'GOARCH')],
    });
    expect(r.dockerfile).toMatch(/^ARG GOARCH\n[\s\S]*^FROM gcr\.io\/distroless\/static-debian12:latest-\$\{GOARCH\} AS production$/m);
    expect(r.dockerfile.indexOf('ARG GOARCH')).toBeLessThan(r.dockerfile.indexOf('FROM '));
    // Distroless by its repository: the nonroot account, no RUN.
    expect(r.dockerfile).toMatch(/^USER 65532:65532$/m);
    expect(r.warnings.filter((w) => w.includes('not pinned'))).toHaveLength(1);
    expect(BaseImage.fromUnpinnedReference('gcr.io/distroless/static-debian12:latest-${GOARCH}').family).toBe(ImageFamily.DISTROLESS);
  });

  test('without the opt-in, or with a build arg in the repository, an error naming the fix', () => {
    const build = new DockerfileStage({ name: 'build', from: '$BUILD_BASE_IMAGE', comment: 'Build.' });
    expect(failure({ ...probes, buildStages: [build], globalArgs: [Instruction.arg('Set by --build-arg.', 'BUILD_BASE_IMAGE')] }).message).toBe(
      'op/Dockerfile.stages[build].from: must be a global ARG BUILD_BASE_IMAGE with a default, so that the default image can be checked (or the image opted in as unpinned: unpinnedImages, BaseImage.fromUnpinnedReference); received "$BUILD_BASE_IMAGE"');
    expect(errorOf(() => BaseImage.fromUnpinnedReference('${REGISTRY}/app:1.0'))).toMatch(/^BaseImage\.reference: must be a reference whose repository is known \(a build arg only in the tag/);
    expect(errorOf(() => BaseImage.fromReference('gcr.io/distroless/static-debian12:latest-${GOARCH}'))).toMatch(/^BaseImage\.reference: must be an image reference pinned/);
  });

  test('a build stage FROM one, opted in with unpinnedImages: written as it is, warned once', () => {
    const build = new DockerfileStage({ name: 'build', from: '$BUILD_BASE_IMAGE', comment: 'Build.', unpinnedImages: ['$BUILD_BASE_IMAGE'] })
      .add(Instruction.run('Build.', ['CGO_ENABLED=0 go build -o /out/op .']));
    const r = service({ ...probes, buildStages: [build], globalArgs: [Instruction.arg('Set by --build-arg.', 'BUILD_BASE_IMAGE')] });
    expect(r.dockerfile).toMatch(/^FROM \$BUILD_BASE_IMAGE AS build$/m);
    expect(r.warnings.filter((w) => w.includes('$BUILD_BASE_IMAGE is not pinned'))).toHaveLength(1);
  });
});

describe('ContainerServiceProps.unpinnedImages: the final stage copies from an unpinned image, on purpose', () => {
  test('refused unless listed; listed: written as it is, said in the final stage\'s comment, warned', () => {
    const props = {
      baseImage: BaseImage.fromReference('python:3.12.7-slim'),
      command: ['python', '-m', 'worker'],
      instructions: [Instruction.copy('uv.', ['/uv'], '/bin/uv', { from: 'ghcr.io/astral-sh/uv:latest' })],
    };
    expect(failure(props).message).toMatch(/^op\/Dockerfile\.stages\[production\]\.copy\.from: must be an image reference pinned/);
    const r = service({ ...props, buildStages: [], unpinnedImages: ['ghcr.io/astral-sh/uv:latest'] });
    expect(r.dockerfile).toContain('COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/uv');
    expect(r.dockerfile).toMatch(/^# Final stage \(production\).* Not pinned \(unpinnedImages\): ghcr\.io\/astral-sh\/uv:latest; each build may take another image\.$/m);
    expect(r.warnings.filter((w) => w.includes('uv:latest is not pinned'))).toHaveLength(1);
    expect(errorOf(() => new ContainerService(newProject(), 'x', { ...props, unpinnedImages: ['Not A Ref'] }))).toMatch(/^x\.unpinnedImages\[0\]: must be an image reference/);
  });
});
