import { IConstruct } from 'constructs';
import { FileBase } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { checkCommands, checkImageReference, checkInteger, checkPackageName, checkRelativePath, fail } from '../_validate';
import { createAccountCommands, installPackageCommands } from './_accounts';
import { inferImageFamily } from '../dockerfile/_infer-family';
import { Dockerfile } from '../dockerfile/dockerfile';
import { DockerfileStage } from '../dockerfile/dockerfile-stage';
import { ImageFamily } from '../dockerfile/image-family';
import { Instruction } from '../dockerfile/instruction';
import { CheckTool } from '../health/check-tool';
import { HealthCheck } from '../health/health-check';
import { HealthCheckKind } from '../health/health-check-kind';
import {
  addServiceFiles,
  healthcheckInstruction,
  pathOf,
  renderServiceFiles,
  resolveService,
  ServiceModel,
} from '../service/_service';
import { ContainerService } from '../service/container-service';
import { ContainerServiceOptions } from '../service/container-service-options';

/**
 * Options of the FastAPI backend preset. Defaults of the shared options: name `backend`, port 8000,
 * health check HTTP GET `/api/v1/health`, readiness check HTTP GET `/api/v1/health/ready`, check
 * tool wget (GNU wget on Debian, BusyBox wget on Alpine; see docs/performance.md), start period 10 s, start interval 2 s, user appuser:appuser 1000:1000, labels title `Backend` and
 * description `FastAPI backend service`.
 *
 * @see https://docs.astral.sh/uv/guides/integration/docker/
 */
export interface FastApiBackendOptions extends ContainerServiceOptions {
  /**
   * Python version of the base image tag, `<major>.<minor>` or `<major>.<minor>.<patch>`.
   * @default '3.12'
   */
  readonly pythonVersion?: string;

  /**
   * Base image of every stage, pinned by tag or digest.
   * @default `python:<pythonVersion>-slim`
   */
  readonly baseImage?: string;

  /**
   * Family of the base image (package manager, account tools).
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
   * More Debian/Alpine packages for the base stage (e.g. `libpq5`); the check tool is added when needed.
   * @default []
   */
  readonly systemPackages?: string[];

  /**
   * Files copied before the dependency install, so that the dependency layer is cached until they change.
   * @default ['pyproject.toml', 'uv.lock']
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
}

const PY_VERSION_RE = /^\d+\.\d+(\.\d+)?$/;
const APP_MODULE_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The full-stack template's FastAPI backend: `python:<version>-slim` with uv and uvicorn, stages
 * base -> dependencies -> development -> production, a numeric non-root user, OCI labels,
 * EXPOSE, HEALTHCHECK and the matching Kubernetes probe snippet, all from one model.
 *
 * Writes `<directory>/Dockerfile` and the Kubernetes snippet (`k8s/<name>.yaml` by default).
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for any invalid option
 * @see https://docs.astral.sh/uv/guides/integration/docker/
 * @see https://fastapi.tiangolo.com/deployment/docker/
 */
export class FastApiBackend extends ContainerService {
  /** The generated Dockerfile. */
  public readonly dockerfile: Dockerfile;
  /** The generated Kubernetes snippet. */
  public readonly kubernetesSnippet: FileBase;
  /** The container name. */
  public readonly name: string;
  /** The port the service listens on. */
  public readonly port: number;

  /** @internal */
  public readonly _model: ServiceModel;
  private readonly probes: GeneratedFile;

  /**
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the model; every field is optional (see FastApiBackendOptions for the defaults)
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: FastApiBackendOptions = {}) {
    super(scope, id);
    const path = pathOf(this);
    const model = resolveService(path, options, {
      name: 'backend',
      port: 8000,
      healthCheck: HealthCheck.httpGet({ path: '/api/v1/health' }),
      readinessCheck: HealthCheck.httpGet({ path: '/api/v1/health/ready' }),
      // wget: a tenth of curl's image bytes and half its CPU and memory per check (docs/performance.md).
      checkTool: CheckTool.WGET,
      startPeriodSeconds: 10,
      startIntervalSeconds: 2,
      group: 'appuser',
      labels: { title: 'Backend', description: 'FastAPI backend service' },
      protectedPaths: ['/app'],
    });
    this._model = model;
    this.name = model.name;
    this.port = model.port;

    const pythonVersion = options.pythonVersion ?? '3.12';
    if (typeof pythonVersion !== 'string' || !PY_VERSION_RE.test(pythonVersion)) {
      fail(`${path}.pythonVersion`, 'a version like 3.12 or 3.12.7', pythonVersion);
    }
    const baseImage = checkImageReference(`${path}.baseImage`, options.baseImage ?? `python:${pythonVersion}-slim`);
    const family = options.imageFamily ?? inferImageFamily(baseImage);
    const uvImage = checkImageReference(`${path}.uvImage`, options.uvImage ?? 'ghcr.io/astral-sh/uv:0.9.5');
    const appModule = options.appModule ?? 'app.main:app';
    if (typeof appModule !== 'string' || !APP_MODULE_RE.test(appModule)) fail(`${path}.appModule`, 'a <module>:<attribute> such as app.main:app', appModule);
    const workers = checkInteger(`${path}.workers`, options.workers ?? 4, 1, 256);
    const packages = [...(options.systemPackages ?? [])];
    packages.forEach((p, i) => checkPackageName(`${path}.systemPackages[${i}]`, p));
    const toolPackage = model.tool === CheckTool.PYTHON || model.liveness.kind === HealthCheckKind.EXEC ? undefined : model.tool === CheckTool.CURL ? 'curl' : 'wget';
    if (toolPackage && family === ImageFamily.ALPINE && toolPackage === 'wget') {
      // BusyBox wget is part of every Alpine image.
    } else if (toolPackage && !packages.includes(toolPackage)) {
      packages.push(toolPackage);
    }
    const depFiles = [...(options.dependencyFiles ?? ['pyproject.toml', 'uv.lock'])];
    if (depFiles.length === 0) fail(`${path}.dependencyFiles`, 'a non-empty array of files', depFiles);
    depFiles.forEach((f, i) => checkRelativePath(`${path}.dependencyFiles[${i}]`, f));
    const install = checkCommands(`${path}.installCommands`, options.installCommands ?? ['uv sync --frozen --no-dev --no-install-project']);
    const devInstall = checkCommands(`${path}.devInstallCommands`, options.devInstallCommands ?? ['uv sync --frozen --no-install-project']);
    const u = model.user;
    const port = String(model.port);

    const base = new DockerfileStage({
      name: 'base',
      from: baseImage,
      family,
      comment: `Stage 1: base. ${baseImage}, the system packages, uv and the non-root user every later stage shares.`,
    }).add(
      Instruction.env('Unbuffered logs, no .pyc files at run time, uv copies files (no hard links across layers), uses the image Python, and the project venv comes first on PATH (written out in full: no variable expansion).', {
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
        UV_LINK_MODE: 'copy',
        UV_COMPILE_BYTECODE: '1',
        UV_PYTHON_DOWNLOADS: 'never',
        UV_PROJECT_ENVIRONMENT: '/app/.venv',
        PATH: '/app/.venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      }),
      Instruction.workdir('All application files live in /app.', '/app'),
    );
    const installs = installPackageCommands(family, packages);
    if (installs.length > 0) {
      base.add(Instruction.run(`System packages (${packages.join(', ')}${toolPackage ? `; ${toolPackage} runs the HEALTHCHECK` : ''}), without package caches in the layer.`, installs));
    }
    base.add(
      Instruction.copy('uv from its pinned image: no install script piped into a shell.', ['/uv', '/uvx'], '/bin/', { from: uvImage }),
      Instruction.run(`The non-root account ${u.name}:${u.group} with fixed ids ${u.uid}:${u.gid}, no home and no login shell.`, createAccountCommands(family, u)),
    );

    const deps = new DockerfileStage({
      name: 'dependencies',
      from: 'base',
      comment: 'Stage 2: dependencies. Only the dependency manifests first, so this layer is rebuilt only when they change.',
    }).add(
      Instruction.copy('The dependency manifests (the lock file pins every version).', depFiles, './'),
      Instruction.run('Production dependencies into /app/.venv, from the lock file only.', install),
    );

    const uvicorn = (extra: string[]) => ['uvicorn', appModule, '--host', '0.0.0.0', '--port', port, ...extra];
    const dev = new DockerfileStage({
      name: 'development',
      from: 'dependencies',
      comment: 'Stage 3: development. Adds the dev dependencies and reloads on code changes.',
    }).add(
      Instruction.run('Development dependencies on top of the production ones.', devInstall),
      Instruction.copy('The application code.', ['.'], '.'),
      Instruction.user(`Run as ${u.name} (numeric ${u.uid}:${u.gid}), never root.`, u.uid, u.gid),
      Instruction.expose('The port uvicorn listens on.', model.port),
      Instruction.cmd('uvicorn with auto-reload for development.', uvicorn(['--reload'])),
    );

    const prod = new DockerfileStage({
      name: 'production',
      from: 'dependencies',
      comment: 'Stage 4: production. Production dependencies and the code, run as a numeric non-root user.',
    }).add(
      Instruction.label('OCI labels for container metadata (https://github.com/opencontainers/image-spec/blob/main/annotations.md).', model.labels),
      Instruction.copy('The application code, owned by root: the app user can read it but not change it.', ['.'], '.'),
      Instruction.user(`Run as ${u.name} (numeric ${u.uid}:${u.gid}, so Kubernetes runAsNonRoot can verify it), never root.`, u.uid, u.gid),
      Instruction.expose(`The port uvicorn listens on; the probes use the container port named ${model.portName}.`, model.port),
      healthcheckInstruction(model),
      Instruction.cmd(`uvicorn from the venv (not "uv run", which would sync at start and write to a read-only root) on 0.0.0.0:${port} with ${workers} workers.`, uvicorn(['--workers', String(workers)])),
    );

    this.probes = addServiceFiles(this, model, options.dockerignore, ['.venv', '**/__pycache__', '**/*.pyc', '.pytest_cache', '.mypy_cache', '.ruff_cache']);
    this.dockerfile = new Dockerfile(this, `${model.directory}/Dockerfile`, { stages: [base, deps, dev, prod] });
    this.kubernetesSnippet = this.probes;
  }

  /**
   * Fills the Kubernetes snippet and logs warnings for risky choices.
   */
  public preSynthesize(): void {
    renderServiceFiles(this, this.probes, this._model);
  }
}
