// The files every container writes besides its Dockerfile: .dockerignore and the Kubernetes snippet.
import { Component } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { claimPaths } from '../_paths';
import { safeYaml } from '../_yaml';
import { ServiceModel } from './_model';
import { rendered } from './_rendered';

/**
 * Claims the Dockerfile's and the snippet's paths, adds `<directory>/.dockerignore` (unless disabled)
 * and the Kubernetes snippet (its content is set by `renderSnippet` at preSynthesize).
 * @returns the snippet file
 */
export function addServiceFiles(scope: Component, m: ServiceModel): GeneratedFile {
  claimPaths(scope.project, m.path, { directory: `${m.directory}/Dockerfile`, kubernetesFile: m.kubernetesFile }, '(is another container named the same?)');
  if (m.dockerignore) {
    // The Dockerfile and .dockerignore themselves stay out of the context too.
    const file = new GeneratedFile(scope, `${m.directory}/.dockerignore`);
    const entries = ['.git', '.gitignore', 'Dockerfile', '.dockerignore', '.env', '.env.*', ...m.dockerignoreEntries];
    file.setContent((marker) => [...(marker ? [`# ${marker}`] : []), ...entries].join('\n') + '\n');
  }
  return new GeneratedFile(scope, m.kubernetesFile);
}

/** Sets the snippet's content: the PodSpec fragment of the model as YAML (YAML 1.1-safe, see `safeYaml`). */
export function renderSnippet(file: GeneratedFile, m: ServiceModel): void {
  const { container, volumes } = rendered(m).kubernetes;
  const text = safeYaml({ containers: [container], volumes });
  file.setContent((marker) => (marker ? `# ${marker}\n\n` : '') + text);
}
