import { CacheSharing, Dockerfile, DockerfileStage, Instruction, RunMount } from '../src';
import { dockerfileErrors, errorOf, listFiles, newProject, parseDockerfile, stage, synth } from './util';

const finalStage = (from = 'debian:12-slim', name = 'app') =>
  new DockerfileStage({ name, from, comment: 'The app.' });
const nonRoot = () => Instruction.user('Non-root.', 1000, 1000);

function render(stages: DockerfileStage[], setup: (d: Dockerfile) => void = () => undefined): string {
  const project = newProject();
  const d = new Dockerfile(project, 'Dockerfile', { stages });
  setup(d);
  return synth(project).Dockerfile;
}

/** The rendered text passes dockerfile-utils (no error diagnostics) and every comment stands on its own line. */
function checked(text: string): string {
  expect(dockerfileErrors(text)).toEqual([]);
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    if (l.startsWith('#') && i > 0) expect(lines[i - 1]).not.toMatch(/\\$/);
  });
  return text;
}

describe('ARG', () => {
  test('global ARGs stand before the first FROM, a stage FROM uses one, a later stage re-declares it', () => {
    const text = checked(render(
      [
        new DockerfileStage({ name: 'build', from: 'node:${NODE_VERSION}-bookworm-slim', comment: 'Build.' })
          .add(Instruction.arg('The version again, for the commands of this stage.', 'NODE_VERSION'), Instruction.run('Show it.', ['echo "$NODE_VERSION"'])),
        finalStage().add(Instruction.arg('Release channel, $ kept literal.', 'CHANNEL', 'stable $HOME'), nonRoot()),
      ],
      (d) => d.addGlobalArg(Instruction.arg('Node.js major version of the build image.', 'NODE_VERSION', '22')),
    ));
    expect(text).toContain([
      '# Node.js major version of the build image.',
      'ARG NODE_VERSION="22"',
      '',
      '# Build.',
      'FROM node:${NODE_VERSION}-bookworm-slim AS build',
      '',
      '# The version again, for the commands of this stage.',
      'ARG NODE_VERSION',
    ].join('\n'));
    expect(text).toContain('# Release channel, $ kept literal.\nARG CHANNEL="stable \\$HOME"\n');
    // dockerfile-ast sees the ARG before the first FROM and the FROM's variable.
    const parsed = parseDockerfile(text);
    expect(parsed.map((s) => s.name)).toEqual(['build', 'app']);
    expect(stage(parsed, 'build').from).toBe('node:${NODE_VERSION}-bookworm-slim');
  });

  test('Dockerfile options take global ARGs; globalArgs lists them', () => {
    const project = newProject();
    const d = new Dockerfile(project, 'Dockerfile', {
      stages: [finalStage('$BASE').add(nonRoot())],
      globalArgs: [Instruction.arg('Base image.', 'BASE', 'debian:12-slim')],
    });
    expect(d.globalArgs.map((a) => a.keyword)).toEqual(['ARG']);
    expect(checked(synth(project).Dockerfile)).toContain('ARG BASE="debian:12-slim"\n\n# The app.\nFROM $BASE AS app\n');
  });

  test('the image a FROM names through an ARG is checked with its default', () => {
    const bad = newProject();
    new Dockerfile(bad, 'Dockerfile', {
      stages: [finalStage('debian:${TAG}').add(nonRoot())],
      globalArgs: [Instruction.arg('Tag.', 'TAG', 'latest')],
    });
    expect(errorOf(() => bad.synth())).toBe(
      "Dockerfile.stages[app].from: must be an image reference pinned by a tag other than 'latest' or by an @sha256 digest; received \"debian:latest\"",
    );
    expect(listFiles(bad.outdir)).not.toContain('Dockerfile');
    expect(errorOf(() => render([finalStage('debian:${TAG}').add(nonRoot())]))).toContain(
      'Dockerfile.stages[app].from: must be only global ARGs (declared before the first FROM) in FROM; TAG is not one',
    );
    expect(errorOf(() => render([finalStage('debian:${TAG}').add(nonRoot())], (d) => d.addGlobalArg(Instruction.arg('Tag.', 'TAG'))))).toContain(
      'Dockerfile.stages[app].from: must be a global ARG TAG with a default',
    );
  });

  test.each([
    [() => Instruction.arg('c', '1X'), 'Instruction.arg.name: must be an environment variable name matching'],
    [() => Instruction.arg('c', 'NPM_TOKEN'), 'Instruction.arg.name: must be a name that does not look like a secret (Trivy DS-0031); ARG and ENV values stay in the image: use RunMount.secret for a build secret, pass a runtime one at run time; received "NPM_TOKEN"'],
    [() => Instruction.arg('c', 'X', 'a\nb'), 'Instruction.arg.defaultValue: must be a string without control characters'],
    [() => new Dockerfile(newProject(), 'Dockerfile').addGlobalArg(Instruction.run('c', ['true'])), 'Dockerfile.globalArgs: must be an ARG instruction (Instruction.arg); received "RUN"'],
    [() => new Dockerfile(newProject(), 'Dockerfile', { globalArgs: [Instruction.arg('a', 'X'), Instruction.arg('b', 'X', '1')] }), 'Dockerfile.globalArgs: must be names declared once; received "X"'],
  ])('invalid %#', (fn, message) => {
    expect(errorOf(fn)).toContain(message);
  });
});

describe('tryFindStage', () => {
  test('finds a stage by name, undefined otherwise', () => {
    const build = new DockerfileStage({ name: 'build', from: 'node:22-bookworm-slim', comment: 'Build.' });
    const d = new Dockerfile(newProject(), 'Dockerfile', { stages: [build, finalStage()] });
    expect(d.tryFindStage('build')).toBe(build);
    expect(d.tryFindStage('app')?.from).toBe('debian:12-slim');
    expect(d.tryFindStage('nope')).toBeUndefined();
  });
});

describe('VOLUME', () => {
  test('JSON form of absolute paths', () => {
    const text = checked(render([finalStage().add(Instruction.volume('Data outside the writable layer.', ['/data', '/var/log/app']), nonRoot())]));
    expect(text).toContain('# Data outside the writable layer.\nVOLUME ["/data", "/var/log/app"]\n');
    expect(stage(parseDockerfile(text), 'app').instructions.find((i) => i.keyword === 'VOLUME')!.args).toEqual(['["/data",', '"/var/log/app"]']);
  });
  test.each([
    [() => Instruction.volume('c', []), 'Instruction.volume.paths: must be a non-empty array of absolute paths; received []'],
    [() => Instruction.volume('c', ['data']), 'Instruction.volume.paths[0]: must be a normalized absolute path'],
    [() => Instruction.volume('c', ['/a', '/b c']), 'Instruction.volume.paths[1]: must be a normalized absolute path'],
  ])('invalid %#', (fn, message) => {
    expect(errorOf(fn)).toContain(message);
  });
});

describe('COPY flags', () => {
  test('--from, --chown, --chmod and --link in that order', () => {
    const text = checked(render([
      new DockerfileStage({ name: 'build', from: 'golang:1.23-bookworm', comment: 'Build.' }),
      finalStage().add(
        Instruction.copy('The binary, executable by all, in its own layer.', ['/out/server'], '/usr/local/bin/server', { from: 'build', chown: '0:0', chmod: '0755', link: true }),
        Instruction.copy('Config, readable by the app only.', ['config.toml'], '/etc/app/', { chown: '1000:1000', chmod: '400' }),
        Instruction.copy('Plain.', ['a'], '/a', { link: false }),
        nonRoot(),
      ),
    ]));
    expect(text).toContain('COPY --from=build --chown=0:0 --chmod=0755 --link /out/server /usr/local/bin/server\n');
    expect(text).toContain('COPY --chown=1000:1000 --chmod=400 config.toml /etc/app/\n');
    expect(text).toContain('# Plain.\nCOPY a /a\n');
    const copy = stage(parseDockerfile(text), 'app').instructions.find((i) => i.keyword === 'COPY')!;
    expect(copy.flags).toEqual({ from: 'build', chown: '0:0', chmod: '0755', link: null });
  });
  test.each([
    [() => Instruction.copy('c', ['a'], '/x', { chmod: '999' }), 'Instruction.copy.chmod: must be octal permissions such as 0755 or 644; received "999"'],
    [() => Instruction.copy('c', ['a'], '/x', { chmod: 'u+x' }), 'Instruction.copy.chmod: must be octal permissions'],
    [() => Instruction.copy('c', ['a'], '/x', { link: 'yes' as any }), 'Instruction.copy.link: must be a boolean; received "yes"'],
  ])('invalid %#', (fn, message) => {
    expect(errorOf(fn)).toContain(message);
  });
});

describe('ADD of a remote file', () => {
  const sum = `sha256:${'a1'.repeat(32)}`;
  test('--checksum always, then --chown and --chmod', () => {
    const text = checked(render([finalStage().add(
      Instruction.addRemoteFile('tini, verified against its published checksum.', 'https://github.com/krallin/tini/releases/download/v0.19.0/tini', '/tini', sum, { chown: '0:0', chmod: '0755' }),
      nonRoot(),
    )]));
    expect(text).toContain(`# tini, verified against its published checksum.\nADD --checksum=${sum} --chown=0:0 --chmod=0755 https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini\n`);
    const add = stage(parseDockerfile(text), 'app').instructions.find((i) => i.keyword === 'ADD')!;
    expect(add.flags.checksum).toBe(sum);
  });
  test.each([
    [() => Instruction.addRemoteFile('c', 'http://example.com/f', '/f', sum), 'Instruction.addRemoteFile.url: must be an https:// URL'],
    [() => Instruction.addRemoteFile('c', 'local/file', '/f', sum), 'Instruction.addRemoteFile.url: must be an https:// URL without \'$\', quotes, spaces or backslashes (local files: use COPY)'],
    [() => Instruction.addRemoteFile('c', 'https://example.com/$HOME', '/f', sum), 'Instruction.addRemoteFile.url: must be an https:// URL'],
    [() => Instruction.addRemoteFile('c', 'https://example.com/f', '/f', 'md5:abc'), 'Instruction.addRemoteFile.checksum: must be sha256:<64 lowercase hex digits>; received "md5:abc"'],
    [() => Instruction.addRemoteFile('c', 'https://example.com/f', '/f', undefined as any), 'Instruction.addRemoteFile.checksum: must be sha256:'],
    [() => Instruction.addRemoteFile('c', 'https://example.com/f', 'a b', sum), 'Instruction.addRemoteFile.destination: must be a path'],
    [() => Instruction.addRemoteFile('c', 'https://example.com/f', '/f', sum, { chmod: '8' }), 'Instruction.addRemoteFile.chmod: must be octal permissions'],
  ])('invalid %#', (fn, message) => {
    expect(errorOf(fn)).toContain(message);
  });
});

describe('RUN --mount', () => {
  test('cache, bind and secret mounts, each flag on its own continuation line before the commands', () => {
    const text = checked(render([finalStage().add(
      Instruction.workdir('App dir.', '/app'),
      Instruction.run('Dependencies from the lock file; the download cache stays out of the layer.', ['uv sync --locked --no-install-project', 'true'], {
        mounts: [
          RunMount.cache({ target: '/root/.cache/uv', id: 'uv', sharing: CacheSharing.LOCKED, uid: 0, gid: 0 }),
          RunMount.bind({ source: 'uv.lock', target: 'uv.lock' }),
          RunMount.bind({ target: '/src', from: 'debian:12-slim', readwrite: true }),
          RunMount.secret({ id: 'npm_token', required: true }),
          RunMount.secret({ id: 'pip.conf', target: '/etc/pip.conf' }),
        ],
      }),
      nonRoot(),
    )]));
    expect(text).toContain([
      '# Dependencies from the lock file; the download cache stays out of the layer.',
      'RUN --mount=type=cache,target=/root/.cache/uv,id=uv,sharing=locked,uid=0,gid=0 \\',
      '    --mount=type=bind,source=uv.lock,target=uv.lock \\',
      '    --mount=type=bind,target=/src,from=debian:12-slim,rw \\',
      '    --mount=type=secret,id=npm_token,required=true \\',
      '    --mount=type=secret,id=pip.conf,target=/etc/pip.conf \\',
      '    uv sync --locked --no-install-project \\',
      '    && true',
      '',
    ].join('\n'));
    const run = stage(parseDockerfile(text), 'app').instructions.find((i) => i.keyword === 'RUN')!;
    expect(Object.keys(run.flags)).toEqual(['mount']);
  });

  test('a mount from a stage must name an earlier stage or a pinned image', () => {
    const mounted = (from: string) => finalStage().add(Instruction.run('c', ['ls /x'], { mounts: [RunMount.bind({ target: '/x', from })] }), nonRoot());
    const build = new DockerfileStage({ name: 'build', from: 'debian:12-slim', comment: 'Build.' });
    expect(checked(render([build, mounted('build')]))).toContain('--mount=type=bind,target=/x,from=build');
    expect(errorOf(() => render([mounted('app')]))).toContain('Dockerfile.stages[app].run.mounts.from: must be an earlier stage or an image; received "app"');
    expect(errorOf(() => render([mounted('debian')]))).toContain('Dockerfile.stages[app].run.mounts.from: must be an image reference pinned');
  });

  test('only the secret id is written; a secret never becomes an ARG or ENV', () => {
    const m = RunMount.secret({ id: 'api_key' });
    expect(m.flag).toBe('--mount=type=secret,id=api_key');
    expect(m.target).toBe('/run/secrets/api_key');
    expect(errorOf(() => Instruction.arg('c', 'API_KEY'))).toContain('use RunMount.secret');
  });

  test.each([
    [() => RunMount.secret({ id: 'a,target=/app/leak' }), 'RunMount.secret.id: must be 1 to 64 of [A-Za-z0-9_.-], not starting with \'.\' (it names the file /run/secrets/<id>); received "a,target=/app/leak"'],
    [() => RunMount.secret({ id: '../etc' }), 'RunMount.secret.id: must be 1 to 64'],
    [() => RunMount.secret({ id: '' }), 'RunMount.secret.id: must be 1 to 64'],
    [() => RunMount.secret({ id: 'x'.repeat(65) }), 'RunMount.secret.id: must be 1 to 64'],
    [() => RunMount.secret({ id: 's', target: 'rel' }), 'RunMount.secret.target: must be an absolute path'],
    [() => RunMount.secret({ id: 's', required: 'yes' as any }), 'RunMount.secret.required: must be a boolean'],
    [() => RunMount.cache({ target: 'cache' }), 'RunMount.cache.target: must be an absolute path; received "cache"'],
    [() => RunMount.cache({ target: '/c', id: 'a,b' }), 'RunMount.cache.id: must be 1 to 128 of [A-Za-z0-9._/-]'],
    [() => RunMount.cache({ target: '/c', sharing: 'all' as any }), 'RunMount.cache.sharing: must be a CacheSharing'],
    [() => RunMount.cache({ target: '/c', uid: -1 }), 'RunMount.cache.uid: must be an integer from 0 to 2147483647'],
    [() => RunMount.bind({ target: '../x' }), 'RunMount.bind.target: must be a path of [A-Za-z0-9._/@+-] without \'..\''],
    [() => RunMount.bind({ target: 'x', source: 'a,rw' }), 'RunMount.bind.source: must be a path'],
    [() => RunMount.bind({ target: 'x', from: 'a,b' }), 'RunMount.bind.from: must be a stage name or an image reference'],
    [() => Instruction.run('c', ['true'], { mounts: [RunMount.cache({ target: '/c' }), RunMount.bind({ target: '/c' })] }), 'Instruction.run.mounts[1].target: must be a target no other mount of this RUN uses; received "/c"'],
    [() => Instruction.run('c', ['true'], { mounts: ['--mount=type=bind' as any] }), 'Instruction.run.mounts[0]: must be a RunMount'],
  ])('invalid %#', (fn, message) => {
    expect(errorOf(fn)).toContain(message);
  });
});

describe('STOPSIGNAL', () => {
  test('rendered text', () => {
    const text = checked(render([finalStage().add(Instruction.stopSignal('nginx stops gracefully on SIGQUIT.', 'SIGQUIT'), nonRoot())]));
    expect(text).toContain('# nginx stops gracefully on SIGQUIT.\nSTOPSIGNAL SIGQUIT\n');
  });
});

describe('# syntax= directive', () => {
  test('the very first line, above the projen marker', () => {
    const text = checked(render([finalStage().add(nonRoot())], (d) => d.useSyntax('docker/dockerfile:1.7')));
    const lines = text.split('\n');
    expect(lines[0]).toBe('# syntax=docker/dockerfile:1.7');
    expect(lines[1]).toMatch(/^# ~~ Generated by projen/);
    const project = newProject();
    const d = new Dockerfile(project, 'Dockerfile', { stages: [finalStage().add(nonRoot())], syntax: 'docker/dockerfile:1@sha256:' + 'b'.repeat(64) });
    expect(d.syntax).toBe('docker/dockerfile:1@sha256:' + 'b'.repeat(64));
    expect(synth(project).Dockerfile.split('\n')[0]).toBe(`# syntax=docker/dockerfile:1@sha256:${'b'.repeat(64)}`);
  });
  test('absent by default', () => {
    expect(render([finalStage().add(nonRoot())])).not.toContain('syntax=');
  });
  test('must be a pinned image', () => {
    expect(errorOf(() => new Dockerfile(newProject(), 'Dockerfile', { syntax: 'docker/dockerfile:latest' }))).toBe(
      "Dockerfile.syntax: must be an image reference pinned by a tag other than 'latest' or by an @sha256 digest; received \"docker/dockerfile:latest\"",
    );
  });
});
