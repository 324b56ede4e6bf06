// The full-stack template's two containers, declared once. `npx projen example` (from the repository
// root) writes backend/Dockerfile, frontend/Dockerfile, frontend/nginx.conf and k8s/*.yaml beside this file.
// In your own project, import from 'projen-containers' instead of '../../src'.
import { Project, typescript } from 'projen';
import { Duration, FastApiBackend, StaticFrontend } from '../../src';

const project = new Project({ name: 'fullstack-example' });
// Marks the generated files as coming from this .projenrc.ts.
new typescript.ProjenrcTs(project);

new FastApiBackend(project, 'backend', {
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

new StaticFrontend(project, 'frontend', {
  labels: {
    title: 'Full-stack template Frontend',
    description: 'Lit web components frontend',
    vendor: 'projen-containers',
    licenses: 'MIT',
  },
});

project.synth();
