// StaticFrontend: the Lit + Vite on non-root nginx preset (its defaults, build stage and nginx.conf; the model does the rest).
import { IConstruct } from 'constructs';
import { FileBase } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { checkCommands, checkImageReference, checkKnownKeys, checkRelativePath, fail } from '../_validate';
import { checkBuildMounts, dependencyFiles, npmInstallMounts, presetBaseImage } from './_base';
import { renderNginxConf } from './_nginx-conf';
import { childPath } from '../_paths';
import { checkExtraLines, ResolvedProxy, resolveProxies } from './_nginx-locations';
import { nginxStart } from './_nginx-start';
import { NginxProxy } from './nginx-proxy';
import { DockerfileStage } from '../dockerfile/dockerfile-stage';
import { Instruction } from '../dockerfile/instruction';
import { Duration } from '../duration';
import { CheckTool } from '../health/check-tool';
import { HealthCheck } from '../health/health-check';
import { HealthCheckKind } from '../health/health-check-kind';
import { ImageFamily } from '../images/image-family';
import { undeclareService } from '../service/_files';
import { DEFAULT_WRITABLE_PATHS, PresetDefaults, presetOptions } from '../service/_model';
import { CONTAINER_SERVICE_OPTIONS_KEYS } from '../service/_option-keys';
import { ContainerService } from '../service/container-service';
import { ContainerServiceOptions } from '../service/container-service-options';

/**
 * Options of the static frontend preset. Defaults of the shared options: name `frontend`, port 8080
 * (non-root nginx cannot bind 80), health check HTTP GET `/`, readiness check HTTP GET `/readyz`
 * (served by the generated nginx.conf), check tool wget (BusyBox-safe flags), start period 5 s, start interval 1 s, user
 * appuser:appgroup 1000:1000, labels title: the container name, description `Static web frontend served by nginx`.
 *
 * @see https://nginx.org/en/docs/switch_to_non_root.html
 */
export interface StaticFrontendOptions extends ContainerServiceOptions {
  /**
   * Image of the build stage, pinned by tag or digest.
   * @default 'node:22-alpine'
   */
  readonly nodeImage?: string;

  /**
   * Image of the production stage, pinned by tag or digest. An nginx-unprivileged image
   * (`nginxinc/nginx-unprivileged:1.27-alpine`) is already non-root: the container then runs as its `nginx`
   * account (101:101) unless `user` is set, and no account is created.
   * @default 'nginx:1.27-alpine'
   */
  readonly nginxImage?: string;

  /**
   * Where the generated main nginx.conf goes, relative to `directory` (the build context), e.g.
   * `nginx.generated.conf` when the app keeps an nginx.conf of its own there (a file projen did not write is never
   * replaced without `replaceExisting`). The image has it at /etc/nginx/nginx.conf either way.
   * @default 'nginx.conf'
   * @throws Error `<id>.nginxConfigFile: must be a relative path ...` for an absolute path or one with `..`
   * @see https://nginx.org/en/docs/beginners_guide.html#conf_structure
   */
  readonly nginxConfigFile?: string;

  /**
   * Family of the nginx image (package manager, account tools).
   * @default - ALPINE when the nginx image tag names alpine, else DEBIAN
   */
  readonly imageFamily?: ImageFamily;

  /**
   * Files the dependency install reads, each put at ./<file name> (so no two may share a name): bound into the
   * install step (build mounts), else copied before it; either way the install is rerun only when they change.
   * @default ['package.json', 'package-lock.json']
   * @throws Error `<id>.dependencyFiles[<i>]: must be ...` for an empty list, a path that is not relative, or two files of one name
   */
  readonly dependencyFiles?: string[];

  /**
   * Build stage commands that install the dependencies (with the dependency files bound, or after they are
   * copied), before the sources are copied.
   * @default ['npm ci']
   */
  readonly installCommands?: string[];

  /**
   * Build stage commands after the sources are copied; they must produce `distDir`.
   * @default ['npm run build']
   */
  readonly buildCommands?: string[];

  /**
   * The build output directory, relative to /app in the build stage.
   * @default 'dist'
   */
  readonly distDir?: string;

  /**
   * Serve index.html for unknown paths without a file extension (client-side routing of a single-page app); a
   * missing path with an extension (`/assets/x.js`) is always a 404.
   * @default true
   */
  readonly spaFallback?: boolean;

  /**
   * Reverse-proxy routes to other containers of the model (e.g. `{ path: '/api', service: backend }`): the
   * upstream host and port come from that container's model; prefix or exact paths, with or without a trailing
   * slash, prefix stripping, timeouts, body size and WebSocket upgrades per route (see `NginxProxy`). With proxies,
   * the container's command writes `<first writable path>/nginx-resolver.conf` from /etc/resolv.conf before it
   * starts nginx, so nginx starts before its upstreams exist and answers 502 on their paths until they do.
   * @default [] (static files only; the command is nginx alone)
   */
  readonly proxies?: NginxProxy[];

  /**
   * Compress text answers (`gzip on` for CSS, JavaScript, JSON, SVG and text; text/html always), with `Vary: Accept-Encoding`.
   * @default true
   */
  readonly gzip?: boolean;

  /**
   * Location prefix of the hashed build assets, served with `Cache-Control: public, max-age=31536000, immutable`
   * (Vite's `build.assetsDir` is `assets`). `index.html` is always served with `Cache-Control: no-cache`.
   * @default '/assets/'
   */
  readonly assetsPath?: string;

  /**
   * Escape hatch: lines added at the end of the `server` block (e.g. an extra `location`, `add_header` lines).
   * One nginx line each, braces balanced over the list, no `#`; `listen`, `user`, `pid`, `root` and the temp paths
   * belong to the model and are refused at the top level. `nginx -t` checks the result in the tests.
   * @default []
   */
  readonly extraServerDirectives?: string[];

  /**
   * Escape hatch: lines added to the `http` block, before the `server` block (e.g. `map` or `limit_req_zone`).
   * Same rules as `extraServerDirectives`.
   * @default []
   */
  readonly extraHttpDirectives?: string[];

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

/** Every key of StaticFrontendOptions (complete: the compiler checks it); any other is refused with the nearest one. */
const STATIC_FRONTEND_OPTIONS_KEYS: Record<keyof StaticFrontendOptions, true> = {
  ...CONTAINER_SERVICE_OPTIONS_KEYS,
  nodeImage: true,
  nginxImage: true,
  nginxConfigFile: true,
  imageFamily: true,
  dependencyFiles: true,
  installCommands: true,
  buildCommands: true,
  distDir: true,
  spaFallback: true,
  proxies: true,
  gzip: true,
  assetsPath: true,
  extraServerDirectives: true,
  extraHttpDirectives: true,
  buildMounts: true,
};

/** The frontend's defaults of the shared options (see StaticFrontendOptions). */
const FRONTEND_DEFAULTS: PresetDefaults = {
  name: 'frontend',
  port: 8080,
  healthCheck: HealthCheck.httpGet({ path: '/' }),
  readinessCheck: HealthCheck.httpGet({ path: '/readyz' }),
  checkTool: CheckTool.WGET,
  startPeriod: Duration.seconds(5),
  startInterval: Duration.seconds(1),
  group: 'appgroup',
  labels: { description: 'Static web frontend served by nginx' },
};

/**
 * A static frontend (such as Lit + Vite): a node build stage producing `dist/`, served by
 * nginx as a numeric non-root user on port 8080 with a generated nginx.conf that works for that
 * user and a read-only root filesystem; HEALTHCHECK with BusyBox-safe wget on 127.0.0.1; and the
 * matching Kubernetes probe snippet, all from one model. A thin layer over `ContainerService`. The image's
 * `STOPSIGNAL SIGQUIT` is nginx's graceful shutdown (requests in flight finish; SIGTERM would stop nginx at once).
 *
 * Writes `<directory>/Dockerfile`, `<directory>/nginx.conf` (`nginxConfigFile`), `<directory>/.dockerignore` and the Kubernetes
 * snippet (`k8s/<name>.yaml` by default).
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for any invalid option
 * @see https://nginx.org/en/docs/switch_to_non_root.html
 * @see https://vite.dev/guide/static-deploy
 */
export class StaticFrontend extends ContainerService {
  /** The generated nginx.conf (installed as /etc/nginx/nginx.conf). */
  public readonly nginxConfig: FileBase;

  private readonly spaFallback: boolean;
  private readonly conf: GeneratedFile;
  private readonly proxies: ResolvedProxy[];
  private readonly gzip: boolean;
  private readonly assetsPath: string;
  private readonly extraHttp: string[];
  private readonly extraServer: string[];

  /**
   * Declares the frontend container: validates the options and adds its Dockerfile, nginx.conf, .dockerignore and
   * Kubernetes snippet to the project.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the model; every field is optional (see StaticFrontendOptions for the defaults)
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: StaticFrontendOptions = {}) {
    const path = childPath(scope, id);
    checkKnownKeys(path, options, STATIC_FRONTEND_OPTIONS_KEYS, 'StaticFrontendOptions');
    if (options.noPort) fail(`${path}.noPort`, 'unset or false for a static frontend (nginx serves on a port)', options.noPort);
    if (options.additionalPorts !== undefined && (!Array.isArray(options.additionalPorts) || options.additionalPorts.length > 0)) {
      fail(`${path}.additionalPorts`, 'unset for a static frontend (the generated nginx.conf listens on the one port; nothing would serve another)', options.additionalPorts);
    }
    const nodeImage = checkImageReference(`${path}.nodeImage`, options.nodeImage ?? 'node:22-alpine');
    const nginxImage = checkImageReference(`${path}.nginxImage`, options.nginxImage ?? 'nginx:1.27-alpine');
    const base = presetBaseImage(`${path}.imageFamily`, nginxImage, options.imageFamily, undefined, 'nginxImage');
    if (options.proxies !== undefined && !Array.isArray(options.proxies)) fail(`${path}.proxies`, 'an array of NginxProxy routes', options.proxies);
    const writable = options.writablePaths ?? DEFAULT_WRITABLE_PATHS;
    if (Array.isArray(writable) && writable.length === 0) fail(`${path}.writablePaths`, 'at least one path (nginx writes its pid and temp files to the first)', []);
    // nginx's pid, temp files and (with proxies) the resolver file go to the first writable path, which the model validates.
    const start = nginxStart(String(writable[0]), (options.proxies ?? []).length > 0);
    super(scope, id, {
      ...presetOptions(options, FRONTEND_DEFAULTS, base),
      baseImage: base,
      protectedPaths: ['/usr/share/nginx/html'],
      dockerignoreEntries: ['node_modules', options.distDir ?? 'dist', '.vite', 'coverage'],
      command: start.command,
      commandComment: start.comment,
      // nginx's graceful shutdown (finish the requests in flight, then exit); SIGTERM stops it at once.
      stopSignal: 'SIGQUIT',
    });
    // A check below fails after the base class declared the container: take it out again, so that a caller who
    // catches the error can still synthesize the project (and declare the frontend again).
    try {
      const m = this._model;
      for (const [field, c] of [['healthCheck', m.liveness], ['readinessCheck', m.readiness]] as const) {
        if (c !== undefined && c.kind === HealthCheckKind.HTTP_GET && !/^\/[A-Za-z0-9._~/-]*(\?.*)?$/.test(c.path)) {
          fail(`${path}.${field}.path`, 'a path of [A-Za-z0-9._~/-] (it becomes an nginx location)', c.path);
        }
      }
      const depFiles = dependencyFiles(path, options.dependencyFiles, ['package.json', 'package-lock.json']);
      const install = checkCommands(`${path}.installCommands`, options.installCommands ?? ['npm ci']);
      const build = checkCommands(`${path}.buildCommands`, options.buildCommands ?? ['npm run build']);
      const distDir = checkRelativePath(`${path}.distDir`, options.distDir ?? 'dist');
      const confFile = checkRelativePath(`${path}.nginxConfigFile`, options.nginxConfigFile ?? 'nginx.conf');
      const buildMounts = checkBuildMounts(path, options.buildMounts);
      const mounts = npmInstallMounts(buildMounts, depFiles);
      this.spaFallback = options.spaFallback ?? true;
      const ownPaths = [m.liveness, m.readiness].flatMap((c) => (c?.kind === HealthCheckKind.HTTP_GET ? [c.path.split('?')[0]] : []));
      this.proxies = resolveProxies(path, options.proxies, this, ownPaths);
      this.gzip = options.gzip ?? true;
      this.assetsPath = options.assetsPath ?? '/assets/';
      if (typeof this.assetsPath !== 'string' || !/^\/([A-Za-z0-9._~-]+\/)+$/.test(this.assetsPath)) fail(`${path}.assetsPath`, 'a location prefix like /assets/ (/ then [A-Za-z0-9._~/-], ending in /)', this.assetsPath);
      if (this.proxies.some((p) => !p.exact && `${p.match}/` === this.assetsPath)) fail(`${path}.assetsPath`, 'a prefix no proxy uses', this.assetsPath);
      this.extraHttp = checkExtraLines(`${path}.extraHttpDirectives`, options.extraHttpDirectives);
      this.extraServer = checkExtraLines(`${path}.extraServerDirectives`, options.extraServerDirectives);

      this.addBuildStage(new DockerfileStage({
        name: 'build',
        from: nodeImage,
        comment: 'Stage 1: build. Node builds the static site; nothing of this stage but its output reaches the final image.',
      }).add(
        Instruction.workdir('The build runs in /app.', '/app'),
        ...(buildMounts ? [] : [Instruction.copy('The dependency manifests first, so the install layer is cached until they change.', depFiles, './')]),
        Instruction.run(
          buildMounts
            ? "Exact dependency versions from the lock file, rerun only when the manifests change: they are bound into this step and npm's download cache is a build mount, so neither is in a layer."
            : 'Exact dependency versions from the lock file.',
          install,
          { mounts },
        ),
        Instruction.copy('The sources.', ['.'], '.'),
        Instruction.run(`Build the static site into /app/${distDir}.`, build),
      ));
      this.addInstruction(
        Instruction.copy('The generated main nginx.conf: no user directive, pid and temp files under the writable directory, listen on the model port.', [confFile], '/etc/nginx/nginx.conf'),
        Instruction.copy('The built site, owned by root: nginx can read it but not change it.', [`/app/${distDir}`], '/usr/share/nginx/html', { from: 'build' }),
      );
      this.conf = new GeneratedFile(this, `${m.directory}/${confFile}`);
      this.nginxConfig = this.conf;
    } catch (e) {
      undeclareService(this, path);
      throw e;
    }
  }

  /**
   * The proxied services, distinct, in declaration order (Compose makes the frontend depend on them).
   * @internal
   */
  public _upstreams(): ContainerService[] {
    return [...new Set(this.proxies.map((p) => p.service))];
  }

  /**
   * Renders nginx.conf and the Kubernetes snippet and logs warnings for risky choices.
   */
  public preSynthesize(): void {
    const m = this._model;
    this.conf.setContent((marker) =>
      renderNginxConf(marker, {
        port: this.port!,
        ipv6: m.listen.kind === 'port' && m.listen.ipv6,
        tempDir: m.writablePaths[0],
        root: '/usr/share/nginx/html',
        readiness: m.readiness!,
        liveness: m.liveness,
        spaFallback: this.spaFallback,
        proxies: this.proxies,
        gzip: this.gzip,
        assetsPath: this.assetsPath,
        extraHttp: this.extraHttp,
        extraServer: this.extraServer,
      }),
    );
    super.preSynthesize();
  }
}
