// The files every container writes besides its Dockerfile: .dockerignore and the Kubernetes snippet; the empty build context warning.
import * as fs from 'fs';
import * as nodePath from 'path';
import { Component, Project } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { claimPaths, undeclare } from '../_paths';
import { safeYaml } from '../_yaml';
import { addDockerignore, keepDockerignore, releaseDockerignore } from './_dockerignore';
import { ServiceModel } from './_model';
import { rendered } from './_rendered';

/**
 * Claims the Dockerfile's and the snippet's paths and adds the Kubernetes snippet (its content is set by
 * `renderSnippet` at preSynthesize).
 * @returns the snippet file
 */
export function addServiceFiles(scope: Component, m: ServiceModel): GeneratedFile {
  claimPaths(scope.project, m.path, {
    dockerfileName: [m.dockerfilePath, `two containers built from ${m.directory}/ need their own Dockerfiles: give this one another dockerfileName (e.g. Dockerfile.${m.name})`],
    kubernetesFile: [m.kubernetesFile, 'give this container its own kubernetesFile (k8s/<name>.yaml by default, so two containers of one name clash)'],
  });
  return new GeneratedFile(scope, m.kubernetesFile);
}

/**
 * Adds `<directory>/.dockerignore` (unless disabled; shared by the containers built from one directory). The last
 * file a container adds: nothing after it can fail, so a failed constructor never leaves an entry in a shared file.
 */
export function addServiceDockerignore(scope: Component, m: ServiceModel): void {
  if (m.dockerignore) addDockerignore(scope, m.directory, m.dockerfilePath.split('/').pop()!, m.dockerignoreEntries);
  else keepDockerignore(scope, m.directory);
}

/**
 * Takes a container whose constructor failed (after it declared its model and files) out of its project: out of
 * the construct tree, its claimed paths released, its `.dockerignore` entries forgotten. See `undeclare`.
 */
export function undeclareService(scope: Component, path: string): void {
  releaseDockerignore(scope);
  undeclare(scope, path);
}

/** The project-relative paths of every file each project generates, collected once, at the first preSynthesize that asks. */
const generatedPaths = new WeakMap<Project, Set<string>>();

/**
 * A warning when the container's build directory does not exist, or holds nothing but files this project generates
 * (its Dockerfile, .dockerignore, nginx.conf): the build context is then empty and `COPY . .` copies nothing, which
 * `docker build` does not report. Call at preSynthesize (every file exists as a component by then).
 */
export function emptyContextWarning(project: Project, m: ServiceModel): string | undefined {
  const dir = nodePath.join(project.outdir, m.directory);
  let generated = generatedPaths.get(project);
  if (generated === undefined) {
    generated = new Set(project.files.map((f) => nodePath.relative(project.outdir, f.absolutePath).split(nodePath.sep).join('/')));
    generatedPaths.set(project, generated);
  }
  const hasOwnFile = (rel: string): boolean => {
    const entries = fs.readdirSync(nodePath.join(project.outdir, rel), { withFileTypes: true });
    return entries.some((e) => {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) return hasOwnFile(p);
      return !generated!.has(p);
    });
  };
  if (fs.existsSync(dir) && fs.statSync(dir).isDirectory() && hasOwnFile(m.directory)) return undefined;
  const what = fs.existsSync(dir) ? 'holds only the files this project generates' : 'does not exist';
  return `${m.path}.directory: ${m.directory}/ ${what}, so the image's build context has no app in it (COPY copies nothing, the build may fail or the image may not start); set directory to the app's folder, relative to the projen project`;
}

/**
 * Sets the snippet's content: the PodSpec fragment of the model as YAML (YAML 1.1-safe, see `safeYaml`), with the
 * pod `securityContext.sysctls` when the model has a port below 1024 (`lowPortSysctl`).
 */
export function renderSnippet(file: GeneratedFile, m: ServiceModel): void {
  const { container, volumes, sysctls } = rendered(m).kubernetes;
  const grace = m.podGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: m.podGracePeriodSeconds };
  const pod = sysctls.length === 0 ? {} : { securityContext: { sysctls } };
  const text = safeYaml({ ...grace, ...pod, containers: [container], volumes });
  file.setContent((marker) => (marker ? `# ${marker}\n\n` : '') + text);
}
