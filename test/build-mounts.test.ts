import { FastApiBackend, GoService, NodeService, StaticFrontend } from '../src';
import { lintDockerfile } from './lint';
import { dockerfileErrors, errorOf, newProject, parseDockerfile, stage, synth } from './util';

function dockerfileOf(declare: (p: ReturnType<typeof newProject>) => void, file: string): string {
  const project = newProject();
  declare(project);
  return synth(project)[file];
}
const runsOf = (text: string, stageName: string) =>
  stage(parseDockerfile(text), stageName).instructions.filter((i) => i.keyword === 'RUN').map((i) => i.raw.getTextContent());

describe('build mounts in the presets (default: on, for BuildKit)', () => {
  test('FastApiBackend: uv cache and the bound manifests in the dependencies and development stages, no COPY of the manifests', () => {
    const text = dockerfileOf((p) => new FastApiBackend(p, 'backend'), 'backend/Dockerfile');
    expect(dockerfileErrors(text)).toEqual([]);
    const mounts = [
      'RUN --mount=type=cache,target=/root/.cache/uv,id=uv,sharing=locked \\',
      '    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\',
      '    --mount=type=bind,source=uv.lock,target=uv.lock \\',
    ].join('\n');
    expect(runsOf(text, 'dependencies')).toEqual([`${mounts}\n    uv sync --frozen --no-dev --no-install-project`]);
    expect(runsOf(text, 'development')).toEqual([`${mounts}\n    uv sync --frozen --no-install-project`]);
    expect(stage(parseDockerfile(text), 'dependencies').instructions.some((i) => i.keyword === 'COPY')).toBe(false);
    // The production stage still gets the whole context (manifests included) with the application code, last.
    const prod = stage(parseDockerfile(text), 'production').instructions.map((i) => i.keyword);
    expect(prod.filter((k) => k === 'COPY' || k === 'RUN')).toEqual(['COPY']);
  });

  test('FastApiBackend: a dependency file in a subfolder is bound where COPY ... ./ would put it', () => {
    const text = dockerfileOf((p) => new FastApiBackend(p, 'backend', { dependencyFiles: ['deps/pyproject.toml', 'uv.lock'] }), 'backend/Dockerfile');
    expect(text).toContain('--mount=type=bind,source=deps/pyproject.toml,target=pyproject.toml');
  });

  test('StaticFrontend and NodeService: npm cache and the bound manifests on every npm ci, no COPY of the manifests', () => {
    const npmMounts = [
      'RUN --mount=type=cache,target=/root/.npm,id=npm,sharing=locked \\',
      '    --mount=type=bind,source=package.json,target=package.json \\',
      '    --mount=type=bind,source=package-lock.json,target=package-lock.json \\',
    ].join('\n');
    const frontend = dockerfileOf((p) => new StaticFrontend(p, 'frontend'), 'frontend/Dockerfile');
    expect(dockerfileErrors(frontend)).toEqual([]);
    expect(runsOf(frontend, 'build')).toEqual([`${npmMounts}\n    npm ci`, 'RUN npm run build']);
    // The sources (manifests included) are copied once, after the install.
    expect(stage(parseDockerfile(frontend), 'build').instructions.map((i) => i.raw.getTextContent()).filter((t) => t.startsWith('COPY'))).toEqual(['COPY . .']);
    const api = dockerfileOf((p) => new NodeService(p, 'api', { buildCommands: ['npm run build'] }), 'node/Dockerfile');
    expect(dockerfileErrors(api)).toEqual([]);
    expect(runsOf(api, 'dependencies')).toEqual([`${npmMounts}\n    npm ci --omit=dev \\\n    && mkdir -p node_modules`]);
    expect(stage(parseDockerfile(api), 'dependencies').instructions.some((i) => i.keyword === 'COPY')).toBe(false);
    expect(runsOf(api, 'build')).toEqual([`${npmMounts}\n    npm ci`, 'RUN npm run build']);
    expect(stage(parseDockerfile(api), 'build').instructions.map((i) => i.raw.getTextContent()).filter((t) => t.startsWith('COPY'))).toEqual(['COPY . .']);
    // The final stage still gets package.json (its "type" and other runtime settings) with the build output.
    expect(stage(parseDockerfile(api), 'production').instructions.map((i) => i.raw.getTextContent())).toContain('COPY package.json package-lock.json ./');
  });

  test('NodeService and StaticFrontend: a dependency file in a subfolder is bound where COPY ... ./ would put it', () => {
    const frontend = dockerfileOf((p) => new StaticFrontend(p, 'frontend', { dependencyFiles: ['package.json', 'package-lock.json', 'config/.npmrc'] }), 'frontend/Dockerfile');
    expect(frontend).toContain('    --mount=type=bind,source=config/.npmrc,target=.npmrc \\\n    npm ci');
    const api = dockerfileOf((p) => new NodeService(p, 'api', { dependencyFiles: ['app/package.json', 'app/package-lock.json'], buildMounts: false }), 'node/Dockerfile');
    expect(api).toContain('COPY app/package.json app/package-lock.json ./');
  });

  test.each([
    [() => new StaticFrontend(newProject(), 'frontend', { dependencyFiles: ['package.json', 'web/package.json'] }), 'frontend.dependencyFiles[1]: must be a file name no other dependency file has (each is copied, or bound, to ./<name>: package.json is already ./package.json); received "web/package.json"'],
    [() => new FastApiBackend(newProject(), 'backend', { dependencyFiles: ['a/uv.lock', 'pyproject.toml', 'b/uv.lock'] }), 'backend.dependencyFiles[2]: must be a file name no other dependency file has (each is copied, or bound, to ./<name>: a/uv.lock is already ./uv.lock); received "b/uv.lock"'],
  ])('two dependency files of one name %#', (fn, message) => {
    expect(errorOf(fn)).toBe(message);
  });

  test('GoService: module cache and bound module files on the download; module cache, build cache and the bound sources on the build; no COPY', () => {
    const text = dockerfileOf((p) => new GoService(p, 'server'), 'server/Dockerfile');
    expect(dockerfileErrors(text)).toEqual([]);
    const build = stage(parseDockerfile(text), 'build');
    expect(build.instructions.some((i) => i.keyword === 'COPY')).toBe(false);
    // The cache mount targets are the stage's own GOMODCACHE and GOCACHE, written out.
    expect(build.instructions.find((i) => i.keyword === 'ENV')!.raw.getTextContent()).toBe(
      'ENV CGO_ENABLED="0" \\\n    GOMODCACHE="/go/pkg/mod" \\\n    GOCACHE="/root/.cache/go-build"',
    );
    expect(runsOf(text, 'build')).toEqual([
      [
        'RUN --mount=type=cache,target=/go/pkg/mod,id=go-mod,sharing=shared \\',
        '    --mount=type=bind,source=go.mod,target=go.mod \\',
        '    --mount=type=bind,source=go.sum,target=go.sum \\',
        '    go mod download',
      ].join('\n'),
      [
        'RUN --mount=type=cache,target=/go/pkg/mod,id=go-mod,sharing=shared \\',
        '    --mount=type=cache,target=/root/.cache/go-build,id=go-build,sharing=shared \\',
        '    --mount=type=bind,target=. \\',
        '    go build -trimpath -ldflags="-s -w" -o /out/server . \\',
        '    && go build -trimpath -ldflags="-s -w" -o /out/healthcheck ./cmd/healthcheck',
      ].join('\n'),
    ]);
    expect(lintDockerfile(text)).toEqual([]);
  });

  test('GoService buildMounts: false: COPY of the module files and of the sources, plain RUN lines', () => {
    const text = dockerfileOf((p) => new GoService(p, 'server', { buildMounts: false }), 'server/Dockerfile');
    expect(text).not.toContain('--mount');
    expect(stage(parseDockerfile(text), 'build').instructions.map((i) => i.raw.getTextContent()).slice(1)).toEqual([
      'ENV CGO_ENABLED="0"',
      'WORKDIR /src',
      'COPY go.mod go.sum ./',
      'RUN go mod download',
      'COPY . .',
      'RUN go build -trimpath -ldflags="-s -w" -o /out/server . \\\n    && go build -trimpath -ldflags="-s -w" -o /out/healthcheck ./cmd/healthcheck',
    ]);
  });

  test('buildMounts: false gives COPY of the manifests and plain RUN lines (classic builder)', () => {
    const backend = dockerfileOf((p) => new FastApiBackend(p, 'backend', { buildMounts: false }), 'backend/Dockerfile');
    expect(backend).not.toContain('--mount');
    expect(stage(parseDockerfile(backend), 'dependencies').instructions.map((i) => i.raw.getTextContent())).toEqual([
      'FROM base AS dependencies',
      'COPY pyproject.toml uv.lock ./',
      'RUN uv sync --frozen --no-dev --no-install-project',
    ]);
    expect(runsOf(backend, 'development')).toEqual(['RUN uv sync --frozen --no-install-project']);
    const frontend = dockerfileOf((p) => new StaticFrontend(p, 'frontend', { buildMounts: false }), 'frontend/Dockerfile');
    expect(runsOf(frontend, 'build')[0]).toBe('RUN npm ci');
    expect(stage(parseDockerfile(frontend), 'build').instructions.map((i) => i.raw.getTextContent()).filter((t) => t.startsWith('COPY'))).toEqual(['COPY package.json package-lock.json ./', 'COPY . .']);
    const api = dockerfileOf((p) => new NodeService(p, 'api', { buildMounts: false }), 'node/Dockerfile');
    expect(api).not.toContain('--mount');
    expect(stage(parseDockerfile(api), 'dependencies').instructions.map((i) => i.raw.getTextContent())).toContain('COPY package.json package-lock.json ./');
  });

  test('the rendered files with mounts pass the Dockerfile rules (lint)', () => {
    for (const [declare, file] of [
      [(p: any) => new FastApiBackend(p, 'backend'), 'backend/Dockerfile'],
      [(p: any) => new StaticFrontend(p, 'frontend'), 'frontend/Dockerfile'],
      [(p: any) => new NodeService(p, 'api'), 'node/Dockerfile'],
    ] as const) {
      expect(lintDockerfile(dockerfileOf(declare, file))).toEqual([]);
    }
  });

  test.each([
    [() => new FastApiBackend(newProject(), 'backend', { buildMounts: 'yes' as any }), 'backend.buildMounts: must be a boolean; received "yes"'],
    [() => new StaticFrontend(newProject(), 'frontend', { buildMounts: 1 as any }), 'frontend.buildMounts: must be a boolean; received 1'],
    [() => new NodeService(newProject(), 'api', { buildMounts: null as any }), 'api.buildMounts: must be a boolean; received null'],
    [() => new GoService(newProject(), 'server', { buildMounts: 'no' as any }), 'server.buildMounts: must be a boolean; received "no"'],
  ])('invalid %#', (fn, message) => {
    expect(errorOf(fn)).toBe(message);
  });
});
