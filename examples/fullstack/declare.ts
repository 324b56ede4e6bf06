// The full-stack template's model, declared once: the FastAPI backend, the Lit/Vite frontend on nginx (proxying /api/
// to the backend), every other place the health settings live, and the backend's ECS health check.
// `declareFullstack` is called by this folder's .projenrc.ts (the committed example), by the benchmarks
// (bench/synth-child.ts, bench/build.ts) and by the engine and kubelet tests (test/e2e/e2e.ts,
// test/e2e/kubelet/variant.ts), which state only their differences as `overrides`.
// In your own project, import from 'projen-containers' instead of '../../src'.
import { Project } from 'projen';
import {
  Duration,
  EcsHealthCheck,
  FastApiBackend,
  FastApiBackendOptions,
  ServiceOutputs,
  StaticFrontend,
  StaticFrontendOptions,
} from '../../src';

/** Options that replace the example's own, per container (shallow: a given field replaces the example's whole field). */
export interface FullstackOverrides {
  readonly backend?: Partial<FastApiBackendOptions>;
  readonly frontend?: Partial<StaticFrontendOptions>;
  /** `false`: no ECS health check (ECS refuses an interval under 5 s, which a test's shortened timing may have). */
  readonly ecs?: false;
}

/** What `declareFullstack` declared. */
export interface Fullstack {
  readonly backend: FastApiBackend;
  readonly frontend: StaticFrontend;
  readonly outputs: ServiceOutputs;
  /** Absent when `overrides.ecs` is false. */
  readonly ecsBackend?: EcsHealthCheck;
}

/** Declares the full-stack template's containers and outputs in `project`; the example is `declareFullstack(project)`. */
export function declareFullstack(project: Project, overrides: FullstackOverrides = {}): Fullstack {
  const backend = new FastApiBackend(project, 'backend', {
    pythonVersion: '3.12',
    timing: {
      interval: Duration.seconds(30),
      timeout: Duration.seconds(10),
      startPeriod: Duration.seconds(10),
      retries: 3,
    },
    labels: {
      title: 'Full-stack template Backend',
      description: 'FastAPI backend service',
      vendor: 'projen-containers',
      licenses: 'MIT',
    },
    ...overrides.backend,
  });

  const frontend = new StaticFrontend(project, 'frontend', {
    // The template's frontend serves the app AND forwards /api/ to the backend (host `backend`, port from its model).
    proxies: [{ path: '/api/', service: backend }],
    labels: {
      title: 'Full-stack template Frontend',
      description: 'Lit web components frontend',
      vendor: 'projen-containers',
      licenses: 'MIT',
    },
    ...overrides.frontend,
  });

  // Every other place the health settings live: compose.yaml (the frontend starts once the backend is
  // healthy), k8s/patches/*.yaml (kustomize), helm/*.values.yaml and docs/health-alignment.md.
  const outputs = new ServiceOutputs(project, 'outputs', {
    services: [backend, frontend],
    composeDependencies: [{ service: frontend, dependsOn: backend }],
  });

  // The backend's health check for an Amazon ECS task definition (ECS ignores the image's HEALTHCHECK).
  const ecsBackend = overrides.ecs === false ? undefined : new EcsHealthCheck(project, 'ecs-backend', { service: backend });

  return { backend, frontend, outputs, ecsBackend };
}
