import { FastApiBackend, NodeService, StaticFrontend } from '../src';
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

  test('StaticFrontend and NodeService: npm cache mount on every npm ci', () => {
    const frontend = dockerfileOf((p) => new StaticFrontend(p, 'frontend'), 'frontend/Dockerfile');
    expect(dockerfileErrors(frontend)).toEqual([]);
    expect(runsOf(frontend, 'build')[0]).toBe('RUN --mount=type=cache,target=/root/.npm,id=npm,sharing=locked \\\n    npm ci');
    const api = dockerfileOf((p) => new NodeService(p, 'api', { buildCommands: ['npm run build'] }), 'node/Dockerfile');
    expect(dockerfileErrors(api)).toEqual([]);
    expect(runsOf(api, 'dependencies')[0]).toBe('RUN --mount=type=cache,target=/root/.npm,id=npm,sharing=locked \\\n    npm ci --omit=dev \\\n    && mkdir -p node_modules');
    expect(runsOf(api, 'build')[0]).toBe('RUN --mount=type=cache,target=/root/.npm,id=npm,sharing=locked \\\n    npm ci');
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
    const api = dockerfileOf((p) => new NodeService(p, 'api', { buildMounts: false }), 'node/Dockerfile');
    expect(api).not.toContain('--mount');
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
  ])('invalid %#', (fn, message) => {
    expect(errorOf(fn)).toBe(message);
  });
});
