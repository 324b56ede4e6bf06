// The paths container services write, claimed per project, and the .dockerignore that services sharing a directory share.
import { Component, Project } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { fail } from '../_validate';

/** Who writes each path: project-relative path -> the construct path of its container. */
const claimedPaths = new WeakMap<Project, Map<string, string>>();

/**
 * Checks that no other container service of the project writes the paths a container writes, then claims them.
 * One map per project: `project.tryFindFile` searches every construct, which made adding N containers quadratic.
 * A clash with a file of another component is refused by projen itself ("There is already a file under ...").
 * @param paths field name to [project-relative path, what to change to fix a clash]
 * @throws Error `<path>.<field>: must be a path no other container writes: <other> already writes <file>; <fix>`
 */
export function claimPaths(project: Project, path: string, paths: Record<string, readonly [string, string]>): void {
  const claimed = claimedPaths.get(project) ?? new Map<string, string>();
  claimedPaths.set(project, claimed);
  for (const [field, [p, fix]] of Object.entries(paths)) {
    const owner = claimed.get(p);
    if (owner !== undefined) fail(`${path}.${field}`, `a path no other container writes: ${owner} already writes ${p}; ${fix}`, p);
  }
  for (const [p] of Object.values(paths)) claimed.set(p, path);
}

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
