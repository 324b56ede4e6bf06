// The full-stack template's two containers, declared once (declare.ts beside this file). `npx projen example` (from
// the repository root) writes backend/Dockerfile, frontend/Dockerfile, frontend/nginx.conf, k8s/*.yaml, compose.yaml,
// k8s/patches/*.yaml, helm/*.values.yaml, docs/health-alignment.md and ecs/backend.health-check.json beside this file.
import { Project, typescript } from 'projen';
import { declareFullstack } from './declare';

const project = new Project({ name: 'fullstack-example' });
// Marks the generated files as coming from this .projenrc.ts.
new typescript.ProjenrcTs(project);

declareFullstack(project);

project.synth();
