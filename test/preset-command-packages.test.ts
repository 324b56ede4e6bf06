import { FastApiBackend, GoService, NodeService } from '../src';
import { dockerfileErrors, errorOf, newProject, only, parseDockerfile, stage, synth } from './util';

function dockerfile(build: (p: ReturnType<typeof newProject>) => void, file: string) {
  const project = newProject();
  build(project);
  const text = synth(project)[file];
  expect(dockerfileErrors(text)).toEqual([]);
  return parseDockerfile(text);
}

const runs = (s: ReturnType<typeof stage>) => s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.raw.getTextContent()).join('\n');

describe('NodeService.command and GoService.command: the CMD of the final stage', () => {
  test('npm start, fastify start: carried to the CMD as given, exec form', () => {
    const cmd = (command: string[]) => only(stage(dockerfile((p) => new NodeService(p, 'api', { name: 'api', command }), 'api/Dockerfile'), 'production'), 'CMD');
    expect(cmd(['npm', 'start']).json).toEqual(['npm', 'start']);
    const fastify = cmd(['npx', 'fastify', 'start', '-a', '0.0.0.0', '-p', '3000', 'app.js']);
    expect(fastify.json).toEqual(['npx', 'fastify', 'start', '-a', '0.0.0.0', '-p', '3000', 'app.js']);
    expect(fastify.comment).toBe('The service\'s command (the command option), exec form: it is PID 1 and receives SIGTERM, with NODE_ENV=production.');
  });

  test('on distroless the command is node\'s arguments (ENTRYPOINT /nodejs/bin/node); npm or a shell there is refused', () => {
    const prod = stage(dockerfile((p) => new NodeService(p, 'api', { name: 'api', runtimeImage: 'gcr.io/distroless/nodejs22-debian12:nonroot', command: ['node_modules/fastify-cli/cli.js', 'start', 'app.js'] }), 'api/Dockerfile'), 'production');
    expect(only(prod, 'ENTRYPOINT').json).toEqual(['/nodejs/bin/node']);
    expect(only(prod, 'CMD').json).toEqual(['node_modules/fastify-cli/cli.js', 'start', 'app.js']);
    expect(errorOf(() => new NodeService(newProject(), 'api', { runtimeImage: 'gcr.io/distroless/nodejs22-debian12:nonroot', command: ['npm', 'start'] }))).toBe(
      "api.command[0]: must be a node script and its arguments on distroless (gcr.io/distroless/nodejs22-debian12:nonroot runs /nodejs/bin/node as its entrypoint and has no npm or shell), e.g. ['node_modules/fastify-cli/cli.js', 'start', 'app.js']; received \"npm\"",
    );
  });

  test('validated like every argv; main and command together are refused', () => {
    expect(errorOf(() => new NodeService(newProject(), 'api', { command: [] }))).toBe('api.command: must be a non-empty argv array; received []');
    expect(errorOf(() => new NodeService(newProject(), 'api', { command: ['npm', 'run\nstart'] }))).toMatch(/^api\.command\[1\]: must be a string without control characters/);
    expect(errorOf(() => new NodeService(newProject(), 'api', { command: ['npm', 'start'], main: 'app.js' }))).toBe('api.main: must be unset when command is set (command replaces node <main>); received "app.js"');
  });

  test('GoService: the binary with its arguments; the default stays /app/server', () => {
    const cmd = (options = {}) => only(stage(dockerfile((p) => new GoService(p, 'server', options), 'server/Dockerfile'), 'production'), 'CMD').json;
    expect(cmd()).toEqual(['/app/server']);
    expect(cmd({ command: ['/app/server', '-listen', ':8080'] })).toEqual(['/app/server', '-listen', ':8080']);
    expect(errorOf(() => new GoService(newProject(), 'server', { command: ['/app/server', ''] }))).toBe('server.command[1]: must be a non-empty string; received ""');
  });
});

describe('buildPackages: build-only packages stay out of the production image', () => {
  test('FastApiBackend: gcc in the dependencies stage; production is built on base and gets only the venv', () => {
    const stages = dockerfile((p) => new FastApiBackend(p, 'backend', { buildPackages: ['gcc', 'libpq-dev'], systemPackages: ['libpq5'] }), 'backend/Dockerfile');
    const prod = stage(stages, 'production');
    expect(prod.from).toBe('base');
    expect(runs(stage(stages, 'dependencies'))).toContain('apt-get install -y --no-install-recommends gcc libpq-dev');
    // The run-time library in base (which production is built on), the compilers nowhere production descends from.
    expect(runs(stage(stages, 'base'))).toContain('libpq5');
    expect(runs(stage(stages, 'base'))).not.toMatch(/gcc/);
    expect(runs(prod)).not.toMatch(/gcc/);
    const venv = prod.instructions.find((i) => i.keyword === 'COPY' && i.args.includes('/app/.venv'))!;
    expect(venv.flags.from).toBe('dependencies');
    expect(venv.args.slice(-2)).toEqual(['/app/.venv', './.venv']);
    // The development stage keeps them (it is built on dependencies).
    expect(stage(stages, 'development').from).toBe('dependencies');
  });

  test('FastApiBackend without buildPackages: production is built on dependencies, as before', () => {
    const stages = dockerfile((p) => new FastApiBackend(p, 'backend'), 'backend/Dockerfile');
    expect(stage(stages, 'production').from).toBe('dependencies');
    expect(stage(stages, 'production').instructions.some((i) => i.args.includes('/app/.venv'))).toBe(false);
  });

  test('NodeService: node-gyp tools in the dependencies and build stages, never in the final one', () => {
    const stages = dockerfile((p) => new NodeService(p, 'api', { name: 'api', buildPackages: ['python3', 'make', 'g++'], buildCommands: ['npm run build'] }), 'api/Dockerfile');
    expect(runs(stage(stages, 'dependencies'))).toContain('apt-get install -y --no-install-recommends python3 make g++');
    expect(runs(stage(stages, 'build'))).toContain('apt-get install -y --no-install-recommends python3 make g++');
    expect(runs(stage(stages, 'production'))).not.toMatch(/g\+\+|make/);
  });

  test('named for the build image\'s family; refused when invalid', () => {
    const alpine = dockerfile((p) => new NodeService(p, 'api', { name: 'api', buildImage: 'node:22-alpine', runtimeImage: 'node:22-alpine', buildPackages: ['python3', 'make', 'g++'] }), 'api/Dockerfile');
    expect(runs(stage(alpine, 'dependencies'))).toContain('apk add --no-cache python3 make g++');
    expect(errorOf(() => new FastApiBackend(newProject(), 'backend', { buildPackages: ['gcc;id'] }))).toMatch(/^backend\.buildPackages\[0\]: must be a package name/);
    expect(errorOf(() => new NodeService(newProject(), 'api', { buildImage: 'node:22-alpine', buildPackages: ['build-essential'] }))).toBe("api.buildPackages[0]: must be an Alpine package name for apk (the build image node:22-alpine is Alpine); 'build-essential' is Debian's name: use 'build-base'; received \"build-essential\"");
  });
});
