// The .dockerignore that container services sharing a build context directory share.
import { Component, Project } from 'projen';
import { GeneratedFile } from '../_generated-file';

/** The one .dockerignore of each build context directory, and the entries its containers asked for. */
const dockerignores = new WeakMap<Project, Map<string, { file: GeneratedFile; entries: Set<string> }>>();

/**
 * Adds `<directory>/.dockerignore` with the common entries, the Dockerfile's name and `extra`; a second
 * container built from the same directory (the same build context) adds its entries to the same file, so the
 * file keeps every container's entries. The Dockerfiles and .dockerignore themselves stay out of the context.
 */
export function addDockerignore(scope: Component, directory: string, dockerfileName: string, extra: readonly string[]): void {
  const byDir = dockerignores.get(scope.project) ?? new Map<string, { file: GeneratedFile; entries: Set<string> }>();
  dockerignores.set(scope.project, byDir);
  let shared = byDir.get(directory);
  if (shared === undefined) {
    const entries = new Set<string>(['.git', '.gitignore', 'Dockerfile', '.dockerignore', '.env', '.env.*']);
    const file = new GeneratedFile(scope, `${directory}/.dockerignore`);
    file.setContent((marker) => [...(marker ? [`# ${marker}`] : []), ...entries].join('\n') + '\n');
    shared = { file, entries };
    byDir.set(directory, shared);
  }
  for (const e of [dockerfileName, ...extra]) shared.entries.add(e);
}
