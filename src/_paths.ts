// Construct paths for messages, project-relative file paths, and the one registry of paths the library's files claim.
import { IConstruct } from 'constructs';
import { Project } from 'projen';
import { checkRelativePath, fail } from './_validate';

/** The paths each project's generated files (containers and outputs) claim. */
const claimedPaths = new WeakMap<Project, Set<string>>();

/**
 * Checks that no other file of this library in the project claimed the given paths, then claims them.
 * One set per project: `project.tryFindFile` searches every construct, which made adding N containers
 * quadratic. A clash with a file of another component is refused by projen itself ("There is already a
 * file under ...").
 * @param path construct path, for errors
 * @param paths field name to project-relative path
 * @param hint appended to the constraint, e.g. `(is another container named the same?)`
 */
export function claimPaths(project: Project, path: string, paths: Record<string, string>, hint?: string): void {
  const claimed = claimedPaths.get(project) ?? new Set<string>();
  claimedPaths.set(project, claimed);
  for (const [field, p] of Object.entries(paths)) {
    if (claimed.has(p)) fail(`${path}.${field}`, `a path no other file of the project uses${hint ? ` ${hint}` : ''}`, p);
  }
  for (const p of Object.values(paths)) claimed.add(p);
}

/** A project-relative file path ending in one of `extensions`. */
export function checkFilePath(path: string, value: string, extensions: readonly string[]): string {
  checkRelativePath(path, value);
  if (!extensions.some((e) => value.endsWith(e))) fail(path, `a path ending in ${extensions.join(' or ')}`, value);
  return value;
}

/**
 * The construct path of a component below its project, for messages: `backend`, or
 * `services/backend` for a construct nested in a component with id `services`.
 */
export function pathOf(scope: IConstruct): string {
  const scopes = scope.node.scopes;
  let start = 0;
  scopes.forEach((s, i) => {
    if (s instanceof Project) start = i + 1;
  });
  return scopes.slice(start).map((s) => s.node.id).join('/') || scope.node.id;
}

/** The path `pathOf` will give a construct with `id` under `scope`, before it exists. */
export function childPath(scope: IConstruct, id: string): string {
  const parent = scope instanceof Project ? '' : pathOf(scope);
  return parent ? `${parent}/${id}` : id;
}
