// FastApiBackend: the FastAPI + uv + uvicorn preset (its defaults and its build stages; the model does the rest).
import { IConstruct } from 'constructs';
import { childPath } from '../_paths';
import { checkCommands, checkImageReference, checkInteger, checkKnownKeys, fail, show } from '../_validate';
import { buildPackageInstall, checkBuildMounts, dependencyFiles, dependencyStepMounts, presetBaseImage } from './_base';
import { FASTAPI_ENV } from './_fastapi-env';
import { resolveForwardedIps } from './_uvicorn-proxy';
import { wildcardAddress } from '../container/_bind';
import { DockerfileStage } from '../dockerfile/dockerfile-stage';
import { Instruction } from '../dockerfile/instruction';
import { CacheSharing, RunMount } from '../dockerfile/run-mount';
import { Duration } from '../duration';
import { CheckTool } from '../health/check-tool';
import { HealthCheck } from '../health/health-check';
import { ImageFamily } from '../images/image-family';
import { PresetDefaults, presetOptions } from '../service/_model';
import { CONTAINER_SERVICE_OPTIONS_KEYS } from '../service/_option-keys';
import { ContainerService } from '../service/container-service';
import { ContainerServiceOptions } from '../service/container-service-options';

/**
 * Options of the FastAPI backend preset. Defaults of the shared options: name `backend`, port 8000,
 * health check HTTP GET `/api/v1/health`, readiness check HTTP GET `/api/v1/health/ready`, check
 * tool wget (GNU wget on Debian, BusyBox wget on Alpine; see docs/performance.md), start period 10 s, start interval 2 s, user appuser:appuser 1000:1000, labels title: the
 * container name, description `FastAPI backend service`.
 *
 * @see https://docs.astral.sh/uv/guides/integration/docker/
 */
export interface FastApiBackendOptions extends ContainerServiceOptions {
  /**
   * Python version of the default base image's tag (`python:<pythonVersion>-slim`), `<major>.<minor>` or
   * `<major>.<minor>.<patch>`. Only for the default image: set together with `baseImage` it is an error (the
   * base image decides the version).
   * @default '3.12'
   */
  readonly pythonVersion?: string;

  /**
   * Base image of every stage, pinned by tag or digest.
   * @default `python:<pythonVersion>-slim`
   */
  readonly baseImage?: string;

  /**
   * Family of the base image (package manager, account tools). DISTROLESS is refused: uv and the venv
   * need a shell to build. It must match a family the reference names (`-slim` is Debian, `-alpine` Alpine);
   * for Alpine set `baseImage` (e.g. `python:3.12-alpine`), not this option alone.
   * @default - ALPINE when the base image tag names alpine, else DEBIAN
   */
  readonly imageFamily?: ImageFamily;

  /**
   * The pinned uv image whose `/uv` and `/uvx` are copied in (instead of piping an install script into sh).
   * @default 'ghcr.io/astral-sh/uv:0.9.5'
   */
  readonly uvImage?: string;

  /**
   * The ASGI application, `<module>:<attribute>`.
   * @default 'app.main:app'
   */
  readonly appModule?: string;

  /**
   * uvicorn worker processes, 1 to 256.
   * @default 4
   */
  readonly workers?: number;

  /**
   * Behind an ingress or reverse proxy: the addresses (IPv4/IPv6 addresses or CIDRs) whose `X-Forwarded-For` and
   * `X-Forwarded-Proto` uvicorn trusts (`--proxy-headers --forwarded-allow-ips <list>`), so the app sees the client's
   * address and scheme. `*` trusts every peer: accepted only alone, with a warning (any client could then forge them).
   * @default - not behind a proxy: no --proxy-headers (uvicorn's own default trusts 127.0.0.1 only)
   */
  readonly forwardedAllowIps?: string[];

  /**
   * Run-time Debian/Alpine packages (e.g. `libpq5`), installed in the base stage, which the production image is
   * built on: they are in the image that runs. The check tool is added when needed. Compilers and headers that
   * only build wheels (`gcc`, `libpq-dev`) go in `buildPackages`.
   * @default []
   */
  readonly systemPackages?: string[];

  /**
   * Build-only Debian/Alpine packages (e.g. `gcc`, `libpq-dev`), installed in the dependencies stage before the
   * dependency install, for wheels that compile from source. They stay out of the production image: with them, the
   * production stage is built on the base stage and gets the venv (`/app/.venv`) copied from the dependencies stage,
   * instead of being built on the dependencies stage. The development stage keeps them.
   * @default []
   */
  readonly buildPackages?: string[];

  /**
   * Files the dependency install reads, each put at ./<file name> (so no two may share a name): bound into the
   * install step (build mounts), else copied before it; either way the install is rerun only when they change.
   * @default ['pyproject.toml', 'uv.lock']
   * @throws Error `<id>.dependencyFiles[<i>]: must be ...` for an empty list, a path that is not relative, or two files of one name
   */
  readonly dependencyFiles?: string[];

  /**
   * The production dependency step (shell commands run in /app by the dependencies stage).
   * @default ['uv sync --frozen --no-dev --no-install-project']
   */
  readonly installCommands?: string[];

  /**
   * The development stage's dependency step (adds the dev dependencies).
   * @default ['uv sync --frozen --no-install-project']
   */
  readonly devInstallCommands?: string[];

  /**
   * BuildKit mounts in the dependency steps, as uv's Docker guide does: uv's cache
   * (`RUN --mount=type=cache,target=/root/.cache/uv`) and the dependency files bound into the step
   * (`--mount=type=bind`) instead of copied into a layer of their own. Needs BuildKit (Docker's default builder
   * since Engine 23; `DOCKER_BUILDKIT=1` on 18.09 to 22); false gives `COPY` + plain `RUN` for the classic builder.
   * @default true
   * @see https://docs.astral.sh/uv/guides/integration/docker/#caching
   */
  readonly buildMounts?: boolean;
}

/** The backend's defaults of the shared options (see FastApiBackendOptions). */
const BACKEND_DEFAULTS: PresetDefaults = {
  name: 'backend',
  port: 8000,
  healthCheck: HealthCheck.httpGet({ path: '/api/v1/health' }),
  readinessCheck: HealthCheck.httpGet({ path: '/api/v1/health/ready' }),
  // wget: a tenth of curl's image bytes and half its CPU and memory per check (docs/performance.md).
  checkTool: CheckTool.WGET,
  startPeriod: Duration.seconds(10),
  startInterval: Duration.seconds(2),
  group: 'appuser',
  appServesChecks: true,
  labels: { description: 'FastAPI backend service' },
};

/** Every key of FastApiBackendOptions (complete: the compiler checks it); any other is refused with the nearest one. */
const FASTAPI_BACKEND_OPTIONS_KEYS: Record<keyof FastApiBackendOptions, true> = {
  ...CONTAINER_SERVICE_OPTIONS_KEYS,
  pythonVersion: true,
  baseImage: true,
  imageFamily: true,
  uvImage: true,
  appModule: true,
  workers: true,
  forwardedAllowIps: true,
  systemPackages: true,
  buildPackages: true,
  dependencyFiles: true,
  installCommands: true,
  devInstallCommands: true,
  buildMounts: true,
};

const PY_VERSION_RE = /^\d+\.\d+(\.\d+)?$/;
const APP_MODULE_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A FastAPI backend: `python:<version>-slim` with uv and uvicorn, stages
 * base -> dependencies -> development -> production, a numeric non-root user, OCI labels,
 * EXPOSE, HEALTHCHECK and the matching Kubernetes probe snippet, all from one model. A thin layer over
 * `ContainerService`: the base stage gets the setup step (packages, wget for the check, the account).
 *
 * Writes `<directory>/Dockerfile`, `<directory>/.dockerignore` and the Kubernetes snippet (`k8s/<name>.yaml` by default).
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for any invalid option
 * @see https://docs.astral.sh/uv/guides/integration/docker/
 * @see https://fastapi.tiangolo.com/deployment/docker/
 */
export class FastApiBackend extends ContainerService {
  private readonly wildcardProxyWarning?: string;

  /**
   * Declares the backend container: validates the options and adds its Dockerfile, .dockerignore and Kubernetes
   * snippet to the project.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the model; every field is optional (see FastApiBackendOptions for the defaults)
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: FastApiBackendOptions = {}) {
    // Every option is checked before super(): a caught error leaves no half-built service in the project.
    const path = childPath(scope, id);
    checkKnownKeys(path, options, FASTAPI_BACKEND_OPTIONS_KEYS, 'FastApiBackendOptions');
    if (options.noPort) fail(`${path}.noPort`, 'unset or false for a FastAPI backend (uvicorn serves on a port); model a worker of the same code as a ContainerService with noPort', options.noPort);
    const pythonVersion = options.pythonVersion ?? '3.12';
    if (typeof pythonVersion !== 'string' || !PY_VERSION_RE.test(pythonVersion)) {
      fail(`${path}.pythonVersion`, 'a version like 3.12 or 3.12.7', pythonVersion);
    }
    // pythonVersion only names the default base image's tag: with baseImage it would be dropped unseen.
    if (options.pythonVersion !== undefined && options.baseImage !== undefined) {
      fail(`${path}.pythonVersion`, `unset when baseImage is set (${show(options.baseImage)} decides the Python version): drop pythonVersion, or drop baseImage to get python:${pythonVersion}-slim`, options.pythonVersion);
    }
    if (options.baseImage === undefined && options.imageFamily === ImageFamily.ALPINE) {
      fail(`${path}.imageFamily`, `unset or DEBIAN while baseImage is the default python:${pythonVersion}-slim (Debian): for Alpine set baseImage instead, e.g. baseImage: 'python:${pythonVersion}-alpine' (imageFamily then follows it)`, options.imageFamily);
    }
    const baseImage = checkImageReference(`${path}.baseImage`, options.baseImage ?? `python:${pythonVersion}-slim`);
    const base = presetBaseImage(`${path}.imageFamily`, baseImage, options.imageFamily);
    const appModule = options.appModule ?? 'app.main:app';
    if (typeof appModule !== 'string' || !APP_MODULE_RE.test(appModule)) fail(`${path}.appModule`, 'a <module>:<attribute> such as app.main:app', appModule);
    const workers = checkInteger(`${path}.workers`, options.workers ?? 4, 1, 256);
    const o = presetOptions(options, BACKEND_DEFAULTS, base);
    const proxy = resolveForwardedIps(`${path}.forwardedAllowIps`, options.forwardedAllowIps);
    const shutdown = options.shutdownGracePeriod === undefined ? [] : ['--timeout-graceful-shutdown', String(options.shutdownGracePeriod.toMilliseconds() / 1000)];
    // uvicorn binds the wildcard address of the model (`::` with ipv6: dual-stack on Linux).
    const host = wildcardAddress(options.ipv6 === true);
    const uvicorn = (extra: string[]) => ['uvicorn', appModule, '--host', host, '--port', String(o.port), ...proxy, ...shutdown, ...extra];
    const uvImage = checkImageReference(`${path}.uvImage`, options.uvImage ?? 'ghcr.io/astral-sh/uv:0.9.5');
    const depFiles = dependencyFiles(path, options.dependencyFiles, ['pyproject.toml', 'uv.lock']);
    const install = checkCommands(`${path}.installCommands`, options.installCommands ?? ['uv sync --frozen --no-dev --no-install-project']);
    const devInstall = checkCommands(`${path}.devInstallCommands`, options.devInstallCommands ?? ['uv sync --frozen --no-install-project']);
    const buildMounts = checkBuildMounts(path, options.buildMounts);
    const buildPackages = buildPackageInstall(`${path}.buildPackages`, options.buildPackages, baseImage);
    // Build-only packages live in the dependencies stage: production is then built on base and gets only the venv.
    const productionFrom = buildPackages.length > 0 ? 'base' : 'dependencies';
    super(scope, id, {
      ...o,
      baseImage: base,
      protectedPaths: ['/app'],
      dockerignoreEntries: ['.venv', '**/__pycache__', '**/*.pyc', '.pytest_cache', '.mypy_cache', '.ruff_cache'],
      from: productionFrom,
      setupStage: 'base',
      command: uvicorn(['--workers', String(workers)]),
      commandComment: `uvicorn from the venv (not "uv run", which would sync at start and write to a read-only root) on ${host.includes(':') ? `[${host}]` : host}:${o.port} with ${workers} workers.`,
      instructions: [],
    });
    if (proxy.includes('*')) this.wildcardProxyWarning = `${path}.forwardedAllowIps: "*" trusts X-Forwarded-* headers from every peer; any client that reaches uvicorn directly can forge its address and scheme. List the proxy's addresses instead`;
    // uv's cache (root runs these steps) and each dependency file bound where COPY ... ./ would put it.
    const mounts = dependencyStepMounts(buildMounts, RunMount.cache({ target: '/root/.cache/uv', id: 'uv', sharing: CacheSharing.LOCKED }), depFiles);

    this.addBuildStage(new DockerfileStage({
      name: 'base',
      from: baseImage,
      family: base.family,
      comment: `Stage 1: base. ${baseImage}, uv, the system packages and the non-root user every later stage shares.`,
    }).add(
      Instruction.env('Unbuffered logs, no .pyc files at run time, uv copies files (no hard links across layers), uses the image Python, and the project venv comes first on PATH (written out in full: no variable expansion).', FASTAPI_ENV),
      Instruction.workdir('All application files live in /app.', '/app'),
      Instruction.copy('uv from its pinned image: no install script piped into a shell.', ['/uv', '/uvx'], '/bin/', { from: uvImage }),
    ));
    this.addBuildStage(new DockerfileStage({
      name: 'dependencies',
      from: 'base',
      comment: buildMounts
        ? 'Stage 2: dependencies. The venv from the dependency manifests alone, so this layer is rebuilt only when they change.'
        : 'Stage 2: dependencies. Only the dependency manifests first, so this layer is rebuilt only when they change.',
    }).add(
      ...buildPackages,
      ...(buildMounts ? [] : [Instruction.copy('The dependency manifests (the lock file pins every version).', depFiles, './')]),
      Instruction.run(
        buildMounts
          ? "Production dependencies into /app/.venv, from the lock file only; the manifests are bound into this step and uv's cache is a build mount, so neither is in a layer."
          : 'Production dependencies into /app/.venv, from the lock file only.',
        install,
        { mounts },
      ),
    ));
    this.addBuildStage(new DockerfileStage({
      name: 'development',
      from: 'dependencies',
      comment: 'Stage 3: development. Adds the dev dependencies and reloads on code changes.',
    }).add(
      Instruction.run('Development dependencies on top of the production ones.', devInstall, { mounts }),
      Instruction.copy('The application code.', ['.'], '.'),
      Instruction.user(`Run as numeric ${this.uid}:${this.gid}, never root.`, this.uid, this.gid),
      Instruction.expose('The port uvicorn listens on.', this.port!),
      Instruction.cmd('uvicorn with auto-reload for development.', uvicorn(['--reload'])),
    ));
    this.addInstruction(
      ...(productionFrom === 'base'
        ? [Instruction.copy('The venv from the dependencies stage, without the build-only packages that stage installed.', ['/app/.venv'], './.venv', { from: 'dependencies' })]
        : []),
      Instruction.copy('The application code, owned by root: the app user can read it but not change it.', ['.'], '.'),
    );
  }

  /** Logs the preset's warnings (a `*` in forwardedAllowIps) and the container's. */
  public preSynthesize(): void {
    if (this.wildcardProxyWarning) this.project.logger.warn(this.wildcardProxyWarning);
    super.preSynthesize();
  }
}
