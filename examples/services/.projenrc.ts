// One service per base-image family and preset, each declared once (declare.ts beside this file). `npx projen example`
// (from the repository root) writes their Dockerfiles, .dockerignore files and k8s/*.yaml beside this file.
import { Project, typescript } from 'projen';
import { declareServices } from './declare';

const project = new Project({ name: 'services-example' });
// Marks the generated files as coming from this .projenrc.ts.
new typescript.ProjenrcTs(project);

declareServices(project);

project.synth();
