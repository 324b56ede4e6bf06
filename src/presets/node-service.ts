// NodeService: the Node.js service preset (its defaults and build stages; the model does the rest).
import { IConstruct } from 'constructs';
import { childPath } from '../_paths';
import { checkCommands, checkImageReference, checkKnownKeys, checkRelativePath, fail } from '../_validate';
import { buildPackageInstall, checkBuildMounts, dependencyFiles, ipv6HostEnv, npmInstallMounts, presetBaseImage } from './_base';
import { DockerfileStage } from '../dockerfile/dockerfile-stage';
import { Instruction } from '../dockerfile/instruction';
import { Duration } from '../duration';
import { CheckTool } from '../health/check-tool';
import { HealthCheck } from '../health/health-check';
import { ImageFamily } from '../images/image-family';
import { presetOptions } from '../service/_model';
import { CONTAINER_SERVICE_OPTIONS_KEYS } from '../service/_option-keys';
import { ContainerService } from '../service/container-service';
import { ContainerServiceOptions } from '../service/container-service-options';

/**
 * Options of the Node.js HTTP service preset. Defaults of the shared options: name `node`, port 3000,
 * health check HTTP GET `/healthz`, readiness check HTTP GET `/readyz` (with `noPort`, a worker: no port and no default checks, see `noPort`), check tool wget (BusyBox on Alpine,
 * installed on Debian; node `fetch` on distroless, where nothing can be installed), start period 10 s, start interval 2 s, user: the image's own `node` account
 * (1000:1000; `nonroot` 65532:65532 on distroless), labels title: the container name, description `Node.js HTTP service`.
 *
 * @see https://nodejs.org/en/learn/getting-started/nodejs-docker-best-practices
 */
export interface NodeServiceOptions extends ContainerServiceOptions {
  /**
   * Image of the dependency and build stages, pinned by tag or digest.
   * @default 'node:22-bookworm-slim'
   */
  readonly buildImage?: string;

  /**
   * Image of the final stage, pinned: a Node image (Debian or Alpine) or distroless nodejs
   * (`gcr.io/distroless/nodejs22-debian12`, where node runs as `/nodejs/bin/node`).
   * @default 'node:22-bookworm-slim'
   */
  readonly runtimeImage?: string;

  /**
   * Family of the runtime image.
   * @default - inferred: DISTROLESS when the reference names distroless, ALPINE when its tag names alpine, else DEBIAN
   */
  readonly imageFamily?: ImageFamily;

  /**
   * The entry script, relative to /app (`node <main>`). Must be unset with `command`.
   * @default 'server.js'
   */
  readonly main?: string;

  /**
   * The `CMD` of the final stage, exec form, instead of `node <main>`: e.g. `['npx', 'fastify', 'start', '-a',
   * '0.0.0.0', '-p', '3000', 'app.js']` or `['npm', 'start']`. Each argument non-empty, without control characters;
   * an address it binds must not be loopback when the checks are network checks (the kubelet probes the pod IP). It
   * runs as PID 1 and gets SIGTERM: a wrapper (npm) must pass it on to node (check that your app sees it on `docker stop`; `node` directly needs
   * nothing). On distroless the image's ENTRYPOINT is node itself (`/nodejs/bin/node`), so the command is node's
   * arguments (`['node_modules/fastify-cli/cli.js', 'start', ...]`): a first word npm, npx, node or a shell is refused there.
   * @default ['node', main] (distroless: [main])
   */
  readonly command?: string[];

  /**
   * Files the dependency install reads, each put at ./<file name> (so no two may share a name): bound into the
   * install step (build mounts), else copied before it; either way the install is rerun only when they change.
   * @default ['package.json', 'package-lock.json']
   * @throws Error `<id>.dependencyFiles[<i>]: must be ...` for an empty list, a path that is not relative, or two files of one name
   */
  readonly dependencyFiles?: string[];

  /**
   * The production dependency install, run in /app of the dependencies stage.
   * @default ['npm ci --omit=dev']
   */
  readonly installCommands?: string[];

  /**
   * Debian/Alpine packages the dependency (and build) stages install before `npm ci`, for native modules that
   * compile there (`python3`, `make`, `g++` for node-gyp): they never reach the final image, which gets only the
   * built `node_modules`. Packages the service needs at run time go in `systemPackages` (the final stage). Named
   * for the family of `buildImage`.
   * @default []
   */
  readonly buildPackages?: string[];

  /**
   * Debian/Alpine packages the final stage installs (run-time libraries the service needs); the check tool's is
   * added when needed. Must be empty on distroless. Build-only tools go in `buildPackages`.
   * @default []
   */
  readonly systemPackages?: string[];

  /**
   * Build commands (e.g. `npm run build`). When given, a `build` stage installs all dependencies, copies the
   * sources and runs them, and the final stage gets `buildOutput` from it instead of the sources.
   * @default [] (no build step: the sources run as they are)
   */
  readonly buildCommands?: string[];

  /**
   * The build's output directory, relative to /app, copied into the final stage when `buildCommands` is set.
   * @default 'dist'
   */
  readonly buildOutput?: string;

  /**
   * BuildKit mounts on each `npm ci`, as Docker's `docker init` Node template writes them: npm's download cache
   * (`--mount=type=cache,target=/root/.npm`), so a dependency change downloads only what changed and the cache
   * never enters a layer, and the dependency files bound read-only (`--mount=type=bind`) instead of copied into a
   * layer of their own; the step still reruns when their content changes. An install command that writes them
   * (`npm install`) then fails (read-only file system): use `npm ci`. Needs BuildKit (Docker's default builder
   * since Engine 23; `DOCKER_BUILDKIT=1` on 18.09 to 22); false gives `COPY` of the dependency files and plain
   * RUN lines for the classic builder.
   * @default true
   * @see https://docs.docker.com/build/cache/optimize/#use-cache-mounts
   * @see https://docs.docker.com/reference/dockerfile/#run---mounttypebind
   */
  readonly buildMounts?: boolean;
}

/** Every key of NodeServiceOptions (complete: the compiler checks it); any other is refused with the nearest one. */
const NODE_SERVICE_OPTIONS_KEYS: Record<keyof NodeServiceOptions, true> = {
  ...CONTAINER_SERVICE_OPTIONS_KEYS,
  buildImage: true,
  runtimeImage: true,
  imageFamily: true,
  main: true,
  command: true,
  dependencyFiles: true,
  installCommands: true,
  buildPackages: true,
  systemPackages: true,
  buildCommands: true,
  buildOutput: true,
  buildMounts: true,
};

/** Programs that are not node scripts: refused as the first word of a distroless command (node itself is the entrypoint there). */
const NOT_NODE_ARGS = /^(?:(?:\/\S*\/)?(?:npm|npx|node|nodejs|yarn|pnpm|sh|bash|ash|dash))$/;

/**
 * A Node.js HTTP service: production dependencies installed in their own stage, an optional build stage, and
 * a final stage on a Node image (Debian, Alpine or distroless) that runs `node <main>` as the image's own
 * non-root account, checked with wget (node's own `fetch` on distroless). A thin layer over `ContainerService`.
 *
 * Writes `<directory>/Dockerfile`, `<directory>/.dockerignore` and the Kubernetes snippet (`k8s/<name>.yaml` by default).
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for any invalid option
 * @see https://nodejs.org/en/learn/getting-started/nodejs-docker-best-practices
 * @see https://github.com/GoogleContainerTools/distroless/blob/main/nodejs/README.md
 */
export class NodeService extends ContainerService {
  /**
   * Adds the Node.js service: its Dockerfile, .dockerignore and Kubernetes snippet.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the model; every field is optional (see NodeServiceOptions for the defaults)
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: NodeServiceOptions = {}) {
    // Every option is checked before super(): a caught error leaves no half-built service in the project.
    const path = childPath(scope, id);
    checkKnownKeys(path, options, NODE_SERVICE_OPTIONS_KEYS, 'NodeServiceOptions');
    const buildImage = checkImageReference(`${path}.buildImage`, options.buildImage ?? 'node:22-bookworm-slim');
    const runtimeImage = checkImageReference(`${path}.runtimeImage`, options.runtimeImage ?? 'node:22-bookworm-slim');
    const base = presetBaseImage(`${path}.imageFamily`, runtimeImage, options.imageFamily, [ImageFamily.DEBIAN, ImageFamily.ALPINE, ImageFamily.DISTROLESS], 'runtimeImage');
    if (options.command !== undefined && options.main !== undefined) fail(`${path}.main`, 'unset when command is set (command replaces node <main>)', options.main);
    const main = checkRelativePath(`${path}.main`, options.main ?? 'server.js');
    const distroless = base.family === ImageFamily.DISTROLESS;
    if (distroless && Array.isArray(options.command) && NOT_NODE_ARGS.test(options.command[0] ?? '')) {
      fail(`${path}.command[0]`, `a node script and its arguments on distroless (${runtimeImage} runs /nodejs/bin/node as its entrypoint and has no npm or shell), e.g. ['node_modules/fastify-cli/cli.js', 'start', 'app.js']`, options.command[0]);
    }
    const depFiles = dependencyFiles(path, options.dependencyFiles, ['package.json', 'package-lock.json']);
    const install = checkCommands(`${path}.installCommands`, options.installCommands ?? ['npm ci --omit=dev']);
    const build = options.buildCommands === undefined || options.buildCommands.length === 0 ? [] : checkCommands(`${path}.buildCommands`, options.buildCommands);
    const output = checkRelativePath(`${path}.buildOutput`, options.buildOutput ?? 'dist');
    const buildMounts = checkBuildMounts(path, options.buildMounts);
    const buildPackages = buildPackageInstall(`${path}.buildPackages`, options.buildPackages, buildImage);
    super(scope, id, {
      ...presetOptions(options, {
        name: 'node',
        port: 3000,
        healthCheck: HealthCheck.httpGet({ path: '/healthz' }),
        readinessCheck: HealthCheck.httpGet({ path: '/readyz' }),
        // wget (BusyBox on Alpine, installed on Debian: 0.7 MB) costs 2-5 ms per check, node fetch 94 ms and 58 MB
        // (docs/performance.md); distroless has no package manager, so node runs the check there.
        checkTool: distroless ? CheckTool.NODE : CheckTool.WGET,
        startPeriod: Duration.seconds(10),
        startInterval: Duration.seconds(2),
        appServesChecks: true,
        labels: { description: 'Node.js HTTP service' },
      }, base),
      baseImage: base,
      protectedPaths: ['/app'],
      dockerignoreEntries: ['node_modules', '.npm', 'coverage', ...(options.buildCommands?.length ? [options.buildOutput ?? 'dist'] : [])],
      command: options.command ?? (distroless ? [main] : ['node', main]),
      entrypoint: distroless ? ['/nodejs/bin/node'] : undefined,
      commandComment: options.command === undefined
        ? `node ${main} directly (not npm start: npm would not pass SIGTERM on), with NODE_ENV=production.`
        : 'The service\'s command (the command option), exec form: it is PID 1 and receives SIGTERM, with NODE_ENV=production.',
    });
    const mounts = npmInstallMounts(buildMounts, depFiles);
    const copyManifests = buildMounts ? [] : [Instruction.copy('The dependency manifests first, so the install layer is cached until they change.', depFiles, './')];
    const bound = buildMounts ? "; the manifests are bound into this step and npm's download cache is a build mount, so neither is in a layer" : '';

    this.addBuildStage(new DockerfileStage({
      name: 'dependencies',
      from: buildImage,
      comment: 'Stage 1: dependencies. Production dependencies only, from the lock file; rebuilt only when the manifests change.',
    }).add(
      Instruction.workdir('The service lives in /app.', '/app'),
      ...buildPackages,
      ...copyManifests,
      Instruction.run(
        `Production dependencies only, exact versions from the lock file${bound}; node_modules exists even with no dependencies (npm ci creates none), so the COPY below finds it.`,
        [...install, 'mkdir -p node_modules'],
        { mounts },
      ),
    ));
    if (build.length > 0) {
      this.addBuildStage(new DockerfileStage({
        name: 'build',
        from: buildImage,
        comment: 'Stage 2: build. All dependencies and the sources, to run the build; only its output reaches the final image.',
      }).add(
        Instruction.workdir('The build runs in /app.', '/app'),
        ...buildPackages,
        ...copyManifests,
        Instruction.run(`All dependencies (the build needs the dev ones), exact versions from the lock file${bound}.`, ['npm ci'], { mounts }),
        Instruction.copy('The sources.', ['.'], '.'),
        Instruction.run(`Build into /app/${output}.`, build),
      ));
    }
    this.addInstruction(
      Instruction.workdir('The service runs from /app.', '/app'),
      Instruction.env('Production mode for Node.js libraries (express and others skip dev-only work).', { NODE_ENV: 'production' }),
      ...ipv6HostEnv(this._model),
      Instruction.copy('Production dependencies from their stage, owned by root: the service can read but not change them.', ['/app/node_modules'], './node_modules', { from: 'dependencies' }),
      ...(build.length > 0
        ? [
          Instruction.copy('The dependency manifests (package.json carries "type" and other runtime settings).', depFiles, './'),
          Instruction.copy('The build output from the build stage, owned by root.', [`/app/${output}`], `./${output}`, { from: 'build' }),
        ]
        : [Instruction.copy('The sources, owned by root: the service can read but not change them.', ['.'], '.')]),
    );
  }
}
