// The files every container writes besides its Dockerfile: .dockerignore and the Kubernetes snippet.
import { Component } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { claimPaths } from '../_paths';
import { safeYaml } from '../_yaml';
import { addDockerignore, keepDockerignore } from './_dockerignore';
import { ServiceModel } from './_model';
import { rendered } from './_rendered';

/**
 * Claims the Dockerfile's and the snippet's paths, adds `<directory>/.dockerignore` (shared by the containers built
 * from one directory; when disabled, a generated one there is given back to the user, see `keepDockerignore`) and the Kubernetes snippet (its content is set by `renderSnippet` at
 * preSynthesize).
 * @returns the snippet file
 */
export function addServiceFiles(scope: Component, m: ServiceModel): GeneratedFile {
  claimPaths(scope.project, m.path, {
    dockerfileName: [m.dockerfilePath, `two containers built from ${m.directory}/ need their own Dockerfiles: give this one another dockerfileName (e.g. Dockerfile.${m.name})`],
    kubernetesFile: [m.kubernetesFile, 'give this container its own kubernetesFile (k8s/<name>.yaml by default, so two containers of one name clash)'],
  });
  if (m.dockerignore) addDockerignore(scope, m.directory, m.dockerfilePath.split('/').pop()!, m.dockerignoreEntries);
  else keepDockerignore(scope, m.directory);
  return new GeneratedFile(scope, m.kubernetesFile);
}

/** Sets the snippet's content: the PodSpec fragment of the model as YAML (YAML 1.1-safe, see `safeYaml`). */
export function renderSnippet(file: GeneratedFile, m: ServiceModel): void {
  const { container, volumes } = rendered(m).kubernetes;
  const grace = m.podGracePeriodSeconds === undefined ? {} : { terminationGracePeriodSeconds: m.podGracePeriodSeconds };
  const text = safeYaml({ ...grace, containers: [container], volumes });
  file.setContent((marker) => (marker ? `# ${marker}\n\n` : '') + text);
}
