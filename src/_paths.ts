// Construct paths for messages, project-relative file paths, and the one registry of paths the library's files claim.
import { IConstruct } from 'constructs';
import { Project } from 'projen';
import { checkRelativePath, fail } from './_validate';

/** The paths each project's generated files (containers and outputs) claim, and the construct path that claimed each. */
const claimedPaths = new WeakMap<Project, Map<string, string>>();

/**
 * Checks that no other file of this library in the project claimed the given paths, then claims them.
 * One map per project: `project.tryFindFile` searches every construct, which made adding N containers
 * quadratic. A clash with a file of another component is refused by projen itself ("There is already a
 * file under ...").
 * @param path construct path, for errors
 * @param paths field name to project-relative path, or to [path, the fix to name on a clash]
 * @param hint appended to the constraint of plain paths, e.g. `(is another container named the same?)`
 * @throws Error `<path>.<field>: must be a path no other container writes: <owner> already writes <file>; <fix>` (with a fix)
 */
export function claimPaths(project: Project, path: string, paths: Record<string, string | readonly [string, string]>, hint?: string): void {
  const claimed = claimedPaths.get(project) ?? new Map<string, string>();
  claimedPaths.set(project, claimed);
  for (const [field, entry] of Object.entries(paths)) {
    const [p, fix] = typeof entry === 'string' ? [entry, undefined] : entry;
    const owner = claimed.get(p);
    if (owner === undefined) continue;
    if (fix !== undefined) fail(`${path}.${field}`, `a path no other container writes: ${owner} already writes ${p}; ${fix}`, p);
    fail(`${path}.${field}`, `a path no other file of the project uses${hint ? ` ${hint}` : ''}`, p);
  }
  for (const entry of Object.values(paths)) claimed.set(typeof entry === 'string' ? entry : entry[0], path);
}

/**
 * Takes a construct out of its project after its constructor failed (a caller caught the error): removes it and
 * everything under it from the construct tree, so that synthesis neither renders nor writes any of it, and releases
 * the paths it claimed, so that the same id and paths can be declared again.
 * @param path the construct path it claimed its paths with
 */
export function undeclare(construct: IConstruct, path: string): void {
  const project = Project.of(construct);
  const claimed = claimedPaths.get(project);
  for (const [p, owner] of [...(claimed?.entries() ?? [])]) if (owner === path) claimed!.delete(p);
  construct.node.scope?.node.tryRemoveChild(construct.node.id);
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

/**
 * A container's `directory` (its build context), relative to the project's outdir: a relative path as
 * `checkRelativePath` takes it, or one that starts with `..` segments (`../services/orders`, `../..`): a folder
 * beside or above a projen project that sits in a subfolder of the repository. projen writes a file wherever its
 * path points (FileBase resolves it against the outdir); it lists such files in `.projen/files.json` but never
 * deletes one outside its outdir (its cleanup refuses with a warning), and its `.gitignore`/`.gitattributes` lines
 * for them match nothing (git reads those files for their own folder only). `.` alone is the project's own folder
 * (`./Dockerfile`, `./.dockerignore`: a Dockerfile at the repository root).
 * @throws Error `<path>: must be a relative path ...; received <value>`, also for `..` after a folder name (`a/../b`)
 */
export function checkDirectory(path: string, value: string): string {
  // `.` alone: the project's own folder (a Dockerfile at the repository root); `.` inside a path stays refused.
  if (value === '.') return value;
  const segments = typeof value === 'string' ? value.split('/') : [];
  const ups = segments.findIndex((s) => s !== '..');
  const rest = ups === -1 ? [] : segments.slice(ups);
  let ok = typeof value === 'string' && value.length <= 1024;
  try {
    if (ok && rest.length > 0) checkRelativePath(path, rest.join('/'));
  } catch {
    ok = false;
  }
  if (!ok) {
    fail(path, "a relative path of [A-Za-z0-9._-/@+] ('.' alone: the project's folder) without '.', empty, .git, .projen or node_modules segments, and with '..' only at its start (a folder outside the projen project, such as ../services/orders)", value);
  }
  return value;
}
