// The full-stack template's two containers, declared once. `npx projen example` (from the repository
// root) writes backend/Dockerfile, frontend/Dockerfile, frontend/nginx.conf, k8s/*.yaml, compose.yaml,
// k8s/patches/*.yaml, helm/*.values.yaml, docs/health-alignment.md and ecs/backend.health-check.json beside this file.
// In your own project, import from 'projen-containers' instead of '../../src'.
import { Project, typescript } from 'projen';
import { Duration, EcsHealthCheck, FastApiBackend, ServiceOutputs, StaticFrontend } from '../../src';

const project = new Project({ name: 'fullstack-example' });
// Marks the generated files as coming from this .projenrc.ts.
new typescript.ProjenrcTs(project);

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
});

// Every other place the health settings live: compose.yaml (the frontend starts once the backend is
// healthy), k8s/patches/*.yaml (kustomize), helm/*.values.yaml and docs/health-alignment.md.
new ServiceOutputs(project, 'outputs', {
  services: [backend, frontend],
  composeDependencies: [{ service: frontend, dependsOn: backend }],
});

// The backend's health check for an Amazon ECS task definition (ECS ignores the image's HEALTHCHECK).
new EcsHealthCheck(project, 'ecs-backend', { service: backend });

project.synth();
