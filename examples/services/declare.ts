// The services example's model, declared once: one service per base-image family and preset. `declareServices` is
// called by this folder's .projenrc.ts (the committed example), by the build benchmark (bench/build.ts) and by the
// engine and kubelet tests (test/e2e/kubelet/variant.ts), which state only their differences as `overrides`.
// In your own project, import from 'projen-containers' instead of '../../src'.
import { Project } from 'projen';
import {
  BaseImage,
  CheckTool,
  ContainerService,
  ContainerServiceProps,
  DockerfileStage,
  Duration,
  GoService,
  GoServiceOptions,
  HealthCheck,
  Instruction,
  NodeService,
  NodeServiceOptions,
  StaticFrontend,
  StaticFrontendOptions,
} from '../../src';

/** Options that replace the example's own, per service (shallow: a given field replaces the example's whole field). */
export interface ServicesOverrides {
  readonly api?: Partial<NodeServiceOptions>;
  readonly worker?: Partial<NodeServiceOptions>;
  readonly server?: Partial<GoServiceOptions>;
  readonly web?: Partial<StaticFrontendOptions>;
  readonly grpc?: Partial<ContainerServiceProps>;
}

/** What `declareServices` declared. */
export interface Services {
  readonly api: NodeService;
  readonly worker: NodeService;
  readonly server: GoService;
  readonly web: StaticFrontend;
  readonly grpc: ContainerService;
}

/** Declares the services example's containers in `project`; the example is `declareServices(project)`. */
export function declareServices(project: Project, overrides: ServicesOverrides = {}): Services {
  const labels = { vendor: 'projen-containers', licenses: 'MIT' };

  // Debian slim: a Node.js HTTP service, checked with node's own fetch (nothing installed), run as the
  // image's own `node` account (1000:1000).
  const api = new NodeService(project, 'api', {
    name: 'api',
    labels: { ...labels, title: 'API', description: 'Node.js HTTP API' },
    ...overrides.api,
  });

  // A worker beside the API, built from the same code directory (api/) with its own Dockerfile (Dockerfile.worker)
  // and command: no port (no EXPOSE, no containerPort, no Compose ports), checked by an exec command, the
  // age of the heartbeat file it touches (node runs it; no HTTP client needed). No readinessProbe: no Service
  // sends it traffic.
  const worker = new NodeService(project, 'worker', {
    name: 'worker',
    directory: 'api',
    dockerfileName: 'Dockerfile.worker',
    main: 'worker.js',
    noPort: true,
    healthCheck: HealthCheck.exec(['node', 'worker-check.js']),
    timing: { interval: Duration.seconds(10), timeout: Duration.seconds(5), startPeriod: Duration.seconds(10), startInterval: Duration.seconds(2) },
    labels: { ...labels, title: 'Worker', description: 'Node.js background worker (no port)' },
    ...overrides.worker,
  });

  // Distroless: a static Go binary on gcr.io/distroless/static-debian12:nonroot (no shell, no curl), checked
  // by the generated health program, run as nonroot (65532:65532).
  const server = new GoService(project, 'server', {
    labels: { ...labels, title: 'Server', description: 'Go HTTP server on distroless' },
    probeTerminationGracePeriod: Duration.seconds(10),
    ...overrides.server,
  });

  // nginx-unprivileged: already non-root (nginx, 101:101), port 8080; BusyBox wget on Alpine.
  const web = new StaticFrontend(project, 'web', {
    name: 'web',
    nginxImage: 'nginxinc/nginx-unprivileged:1.27-alpine',
    buildCommands: ['npm run build'],
    labels: { ...labels, title: 'Web', description: 'Static site on nginx-unprivileged' },
    ...overrides.web,
  });

  // Alpine, with the general construct: a gRPC server (your own Go source in grpc/) checked by the
  // Kubernetes grpc probe and, for Docker, by grpc_health_probe built in the build stage.
  const grpc = new ContainerService(project, 'grpc', {
    baseImage: BaseImage.alpine('alpine:3.20'),
    port: 50051,
    portName: 'grpc',
    healthCheck: HealthCheck.grpc(),
    readinessCheck: HealthCheck.grpc({ service: 'ready' }),
    checkTool: CheckTool.GRPC_HEALTH_PROBE,
    addedTools: [CheckTool.GRPC_HEALTH_PROBE],
    readinessSuccessThreshold: 2,
    labels: { ...labels, title: 'gRPC', description: 'gRPC service on Alpine' },
    buildStages: [
      new DockerfileStage({
        name: 'build',
        from: 'golang:1.23-alpine',
        comment: 'Stage 1: build. The gRPC server and grpc_health_probe, both static.',
      }).add(
        Instruction.env('Static binaries.', { CGO_ENABLED: '0' }),
        Instruction.workdir('The module builds in /src.', '/src'),
        Instruction.copy('The module files first, so the download layer is cached until they change.', ['go.mod', 'go.sum'], './'),
        Instruction.run('The module dependencies.', ['go mod download']),
        Instruction.copy('The sources.', ['.'], '.'),
        Instruction.run('The server, and grpc_health_probe at a pinned version.', [
          'go build -trimpath -ldflags="-s -w" -o /out/server .',
          'GOBIN=/out go install github.com/grpc-ecosystem/grpc-health-probe@v0.4.37',
        ]),
      ),
    ],
    instructions: [
      Instruction.copy('The server, owned by root.', ['/out/server'], '/app/server', { from: 'build' }),
      Instruction.copy('grpc_health_probe for the Docker HEALTHCHECK (the kubelet probes gRPC itself).', ['/out/grpc-health-probe'], '/usr/local/bin/grpc_health_probe', { from: 'build' }),
    ],
    command: ['/app/server'],
    ...overrides.grpc,
  });

  return { api, worker, server, web, grpc };
}
