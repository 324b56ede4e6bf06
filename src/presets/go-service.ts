// GoService: the Go static binary on distroless preset (its defaults, build stage and health program; the model does the rest).
import { IConstruct } from 'constructs';
import { FileBase } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { checkImageReference, checkKnownKeys, checkRelativePath, fail } from '../_validate';
import { checkBuildMounts, dependencyFiles, dependencyStepMounts, ipv6HostEnv, presetBaseImage } from './_base';
import { goHealthcheckSource } from './_go-healthcheck';
import { childPath } from '../_paths';
import { DockerfileStage } from '../dockerfile/dockerfile-stage';
import { Instruction } from '../dockerfile/instruction';
import { CacheSharing, RunMount } from '../dockerfile/run-mount';
import { Duration } from '../duration';
import { HealthCheck } from '../health/health-check';
import { HealthCheckKind } from '../health/health-check-kind';
import { ImageFamily } from '../images/image-family';
import { presetOptions } from '../service/_model';
import { CONTAINER_SERVICE_OPTIONS_KEYS } from '../service/_option-keys';
import { ContainerService } from '../service/container-service';
import { ContainerServiceOptions } from '../service/container-service-options';

/**
 * Options of the Go preset. Defaults of the shared options: name `server`, port 8080, health check HTTP GET
 * `/healthz`, readiness check HTTP GET `/readyz`, Docker check by the generated health program
 * (`checkBinary` `/app/healthcheck`), start period 10 s, start interval 2 s, user: distroless `nonroot`
 * (65532:65532), labels title: the container name, description `Go service on distroless`.
 *
 * @see https://github.com/GoogleContainerTools/distroless/blob/main/base/README.md
 */
export interface GoServiceOptions extends ContainerServiceOptions {
  /**
   * Image of the build stage, pinned by tag or digest.
   * @default 'golang:1.23-bookworm'
   */
  readonly goImage?: string;

  /**
   * Image of the final stage, pinned.
   * @default 'gcr.io/distroless/static-debian12:nonroot'
   */
  readonly runtimeImage?: string;

  /**
   * Family of the runtime image.
   * @default - inferred: DISTROLESS when the reference names distroless, ALPINE when its tag names alpine, else DEBIAN
   */
  readonly imageFamily?: ImageFamily;

  /**
   * The main package to build, relative to the module root (`.` or `./cmd/<name>`).
   * @default '.'
   */
  readonly mainPackage?: string;

  /**
   * The `CMD` of the final stage, exec form: the binary and its arguments, e.g. `['/app/server', '-listen', ':8080']`.
   * Each argument non-empty, without control characters; an address it binds must not be loopback when the checks
   * are network checks (the kubelet probes the pod IP). The binary is at `/app/server`.
   * @default ['/app/server']
   */
  readonly command?: string[];

  /**
   * Files `go mod download` reads, each put at ./<file name> (so no two may share a name): bound into the download
   * step (build mounts), else copied before it; either way the download is rerun only when they change.
   * @default ['go.mod', 'go.sum']
   * @throws Error `<id>.dependencyFiles[<i>]: must be ...` for an empty list, a path that is not relative, or two files of one name
   */
  readonly dependencyFiles?: string[];

  /**
   * BuildKit mounts in the build stage, as Docker's `docker init` Go template writes them: the module cache
   * (`--mount=type=cache,target=/go/pkg/mod`) on the download and the build, Go's build cache
   * (`--mount=type=cache,target=/root/.cache/go-build`) on the build, so a source change recompiles only the
   * packages that changed (not the standard library), the dependency files bound into the download and the
   * sources bound into the build (`--mount=type=bind`), so neither the caches nor the sources are in a layer. The
   * stage sets GOMODCACHE and GOCACHE to those paths, whatever the Go image's defaults. Needs BuildKit (Docker's
   * default builder since Engine 23; `DOCKER_BUILDKIT=1` on 18.09 to 22); false gives `COPY` of the dependency
   * files and of the sources and plain RUN lines for the classic builder.
   * @default true
   * @see https://docs.docker.com/build/cache/optimize/#use-cache-mounts
   * @see https://docs.docker.com/guides/golang/build-images/
   */
  readonly buildMounts?: boolean;

  /**
   * Write the health-check program's source (standard library only) to `<directory>/<healthcheckPackage>/main.go`,
   * build it beside the service and run it as Docker's HEALTHCHECK (`checkBinary` `/app/healthcheck`). Set to false
   * to give your own `checkBinary`, or a `checkTool` the runtime image has.
   * @default true (false with `noDockerHealthcheck`: no HEALTHCHECK runs it)
   */
  readonly healthcheckProgram?: boolean;

  /**
   * Package directory of the health-check program, relative to the module root.
   * @default 'cmd/healthcheck'
   */
  readonly healthcheckPackage?: string;
}

/** Every key of GoServiceOptions (complete: the compiler checks it); any other is refused with the nearest one. */
const GO_SERVICE_OPTIONS_KEYS: Record<keyof GoServiceOptions, true> = {
  ...CONTAINER_SERVICE_OPTIONS_KEYS,
  goImage: true,
  runtimeImage: true,
  imageFamily: true,
  mainPackage: true,
  command: true,
  dependencyFiles: true,
  buildMounts: true,
  healthcheckProgram: true,
  healthcheckPackage: true,
};

const GO_PACKAGE_RE = /^\.(\/[A-Za-z0-9._-]+)*$/;
/** The build stage's module cache and build cache (GOMODCACHE, GOCACHE), the targets of its cache mounts. */
const GO_MOD_CACHE = '/go/pkg/mod';
const GO_BUILD_CACHE = '/root/.cache/go-build';

/**
 * A static Go binary on distroless: a build stage (`CGO_ENABLED=0`, `-trimpath`, stripped) and a final stage
 * on `gcr.io/distroless/static-debian12:nonroot` holding only the binary and a small health-check program
 * (distroless has no shell, curl or wget), running as `nonroot` 65532:65532. A thin layer over `ContainerService`.
 *
 * Writes `<directory>/Dockerfile`, `<directory>/.dockerignore`, `<directory>/cmd/healthcheck/main.go` and the
 * Kubernetes snippet (`k8s/<name>.yaml` by default).
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for any invalid option
 * @see https://github.com/GoogleContainerTools/distroless
 * @see https://docs.docker.com/guides/golang/build-images/
 */
export class GoService extends ContainerService {
  /**
   * The generated health-check program's source.
   * @default - undefined when `healthcheckProgram` is false
   */
  public readonly healthcheckSource?: FileBase;

  /**
   * Adds the Go service: its Dockerfile, .dockerignore, health-check program source and Kubernetes snippet.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the model; every field is optional (see GoServiceOptions for the defaults)
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: GoServiceOptions = {}) {
    // Every option is checked before super(): a caught error leaves no half-built service in the project.
    const path = childPath(scope, id);
    checkKnownKeys(path, options, GO_SERVICE_OPTIONS_KEYS, 'GoServiceOptions');
    const goImage = checkImageReference(`${path}.goImage`, options.goImage ?? 'golang:1.23-bookworm');
    const runtimeImage = checkImageReference(`${path}.runtimeImage`, options.runtimeImage ?? 'gcr.io/distroless/static-debian12:nonroot');
    const base = presetBaseImage(`${path}.imageFamily`, runtimeImage, options.imageFamily, [ImageFamily.DEBIAN, ImageFamily.ALPINE, ImageFamily.DISTROLESS], 'runtimeImage');
    const program = options.healthcheckProgram ?? true;
    if (options.healthcheckProgram === true && options.noDockerHealthcheck) fail(`${path}.healthcheckProgram`, 'unset or false with noDockerHealthcheck (no HEALTHCHECK runs the program)', true);
    const useProgram = program && !options.noPort && !options.noDockerHealthcheck
      && options.checkBinary === undefined && options.checkTool === undefined;
    if (useProgram && options.healthCheck?.kind === HealthCheckKind.GRPC) {
      fail(`${path}.healthCheck`, 'an HTTP or TCP check for the generated health program (it does not speak gRPC; for gRPC set checkTool GRPC_HEALTH_PROBE with the binary copied in, or your own checkBinary)', 'grpc');
    }
    const mainPackage = options.mainPackage ?? '.';
    if (typeof mainPackage !== 'string' || !GO_PACKAGE_RE.test(mainPackage)) fail(`${path}.mainPackage`, 'a package path like . or ./cmd/server', mainPackage);
    const hcPackage = checkRelativePath(`${path}.healthcheckPackage`, options.healthcheckPackage ?? 'cmd/healthcheck');
    const depFiles = dependencyFiles(path, options.dependencyFiles, ['go.mod', 'go.sum']);
    const buildMounts = checkBuildMounts(path, options.buildMounts);
    super(scope, id, {
      ...presetOptions({ ...options, checkBinary: useProgram ? '/app/healthcheck' : options.checkBinary }, {
        name: 'server',
        port: 8080,
        healthCheck: HealthCheck.httpGet({ path: '/healthz' }),
        readinessCheck: HealthCheck.httpGet({ path: '/readyz' }),
        startPeriod: Duration.seconds(10),
        startInterval: Duration.seconds(2),
        appServesChecks: true,
        labels: { description: 'Go service on distroless' },
      }, base),
      baseImage: base,
      protectedPaths: ['/app'],
      dockerignoreEntries: ['bin', 'vendor', '*.test', 'coverage.out'],
      command: options.command ?? ['/app/server'],
      commandComment: options.command === undefined
        ? 'The static binary, exec form: it is PID 1 and receives SIGTERM directly.'
        : 'The service\'s command (the command option), exec form: it is PID 1 and receives SIGTERM directly.',
    });
    // Go's module cache, shared by the download and the build (Go locks its own files, so builds may share it).
    const modCache = RunMount.cache({ target: GO_MOD_CACHE, id: 'go-mod', sharing: CacheSharing.SHARED });
    const flags = '-trimpath -ldflags="-s -w"';
    const builds = [`go build ${flags} -o /out/server ${mainPackage}`];
    if (useProgram) builds.push(`go build ${flags} -o /out/healthcheck ./${hcPackage}`);

    this.addBuildStage(new DockerfileStage({
      name: 'build',
      from: goImage,
      comment: 'Stage 1: build. A static binary (no cgo), so the final image needs no C library, shell or package manager.',
    }).add(
      ...(buildMounts
        ? [
          Instruction.env('Static binaries: no cgo, so they run on distroless/static; the module and build caches where the cache mounts are.', {
            CGO_ENABLED: '0',
            GOMODCACHE: GO_MOD_CACHE,
            GOCACHE: GO_BUILD_CACHE,
          }),
          Instruction.workdir('The module builds in /src.', '/src'),
          Instruction.run(
            'The module dependencies, checked against go.sum, into the module cache (a build mount, like the bound module files: neither is in a layer); rerun only when the module files change.',
            ['go mod download'],
            { mounts: dependencyStepMounts(true, modCache, depFiles) },
          ),
          Instruction.run(
            `The service${useProgram ? ' and the health-check program' : ''}, paths trimmed and symbols stripped, from the bound sources; Go's build cache is a build mount, so a source change recompiles only the packages that changed.`,
            builds,
            { mounts: [modCache, RunMount.cache({ target: GO_BUILD_CACHE, id: 'go-build', sharing: CacheSharing.SHARED }), RunMount.bind({ target: '.' })] },
          ),
        ]
        : [
          Instruction.env('Static binaries: no cgo, so they run on distroless/static.', { CGO_ENABLED: '0' }),
          Instruction.workdir('The module builds in /src.', '/src'),
          Instruction.copy('The module files first, so the download layer is cached until they change.', depFiles, './'),
          Instruction.run('The module dependencies, checked against go.sum.', ['go mod download']),
          Instruction.copy('The sources.', ['.'], '.'),
          Instruction.run(`The service${useProgram ? ' and the health-check program' : ''}, paths trimmed and symbols stripped.`, builds),
        ]),
    ));
    this.addInstruction(
      ...ipv6HostEnv(this._model),
      Instruction.copy('The service binary, owned by root: the service can run but not change it.', ['/out/server'], '/app/server', { from: 'build' }),
      ...(useProgram ? [Instruction.copy('The health-check program the HEALTHCHECK runs (no shell, curl or wget here).', ['/out/healthcheck'], '/app/healthcheck', { from: 'build' })] : []),
    );
    if (useProgram) {
      const source = new GeneratedFile(this, `${this._model.directory}/${hcPackage}/main.go`);
      source.setContent((marker) => goHealthcheckSource(marker));
      this.healthcheckSource = source;
    }
  }
}
