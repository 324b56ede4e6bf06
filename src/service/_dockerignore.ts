// The .dockerignore of each build context directory: its containers' entries, the lines of a file it replaced, and that file given back.
import { Component, FileBase, Project } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { existingFile } from '../_user-file';

/**
 * The comment above the lines carried over from the `.dockerignore` the generated file replaced. Each synthesis
 * reads the lines below it back from the file on disk, so they stay in the file; `dockerignore: false` gives them
 * back as the user's own file. Recognised by this start, so that its wording may change.
 */
const CARRIED_START = '# Carried over from the .dockerignore this file replaced';
const CARRIED_HEADING = `${CARRIED_START} (replaceExisting: true), read back on every synthesis; dockerignore: false gives these lines back as your own file:`;

/** What one build context directory has: the generated file (when a container writes it) and its entries. */
interface Context {
  file?: DockerignoreFile;
  /** The entries of each container built from the directory, by the container's construct, in declaration order. */
  readonly owners: Map<Component, readonly string[]>;
  /** A container with `dockerignore: false` looks after the file there (see `keepDockerignore`). */
  keeper: boolean;
}

/** The entries of every generated `.dockerignore`: git metadata, the Docker files themselves and local secrets. */
const COMMON_ENTRIES = ['.git', '.gitignore', 'Dockerfile', '.dockerignore', '.env', '.env.*'];

/** Per project, the build context directories by path. */
const contexts = new WeakMap<Project, Map<string, Context>>();

function contextOf(project: Project, directory: string): Context {
  const byDir = contexts.get(project) ?? new Map<string, Context>();
  contexts.set(project, byDir);
  let c = byDir.get(directory);
  if (c === undefined) {
    c = { owners: new Map<Component, readonly string[]>(), keeper: false };
    byDir.set(directory, c);
  }
  return c;
}

/** The lines of a file's text (no final empty line; an empty file has none). */
function linesOf(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** The carried-over lines of a generated `.dockerignore`, or undefined when it has none. */
function carriedLines(text: string): string[] | undefined {
  const lines = linesOf(text);
  const at = lines.findIndex((l) => l.startsWith(CARRIED_START));
  return at === -1 ? undefined : lines.slice(at + 1);
}

/**
 * The generated `.dockerignore`: the projen marker, the containers' entries, then (under a comment) the lines of
 * the file it replaced, verbatim and last, so that the user's own rules (a `!` exception included) keep the last
 * word as before. An entry the user's lines also have is written once, in the user's place (the last matching
 * line decides, so dropping the earlier copy changes nothing).
 */
class DockerignoreFile extends GeneratedFile {
  private carried?: string[];

  public constructor(scope: Component, filePath: string, owners: ReadonlyMap<Component, readonly string[]>) {
    super(scope, filePath);
    this.setContent((marker) => {
      const entries = new Set([...COMMON_ENTRIES, ...[...owners.values()].flat()]);
      const carried = this.carried;
      const theirs = new Set((carried ?? []).map((l) => l.trim()));
      const own = [...entries].filter((e) => !theirs.has(e));
      return [...(marker ? [`# ${marker}`] : []), ...own, ...(carried === undefined ? [] : [CARRIED_HEADING, ...carried])].join('\n') + '\n';
    });
  }

  /** Refuses a user's file unless replaceExisting (the guard), then reads the lines to carry: all of the user's file, or the carried section of the generated one. */
  public preSynthesize(): void {
    super.preSynthesize();
    const existing = existingFile(this.project, this.path);
    this.carried = existing === undefined ? undefined : existing.generated ? carriedLines(existing.text) : linesOf(existing.text);
  }
}

/** A file given back to the user: written once, writable, without a marker and not listed in .projen/files.json. */
class GivenBackFile extends FileBase {
  public constructor(scope: Component, filePath: string, private readonly text: string) {
    super(scope, filePath, { readonly: false, marker: false, editGitignore: false });
  }

  protected synthesizeContent(): string {
    return this.text;
  }
}

/** Gives back the `.dockerignore` of a directory no container writes any more (see `keepDockerignore`). */
class DockerignoreKeeper extends Component {
  public constructor(scope: Component, private readonly directory: string) {
    super(scope, 'dockerignore-keeper');
  }

  public preSynthesize(): void {
    if (contextOf(this.project, this.directory).file !== undefined) return;
    const rel = `${this.directory}/.dockerignore`;
    const existing = existingFile(this.project, rel);
    // None there, or the user's own file: projen does not touch it.
    if (existing === undefined || !existing.generated) return;
    const carried = carriedLines(existing.text);
    // A generated file with nothing of the user's in it is removed by projen as any output switched off.
    if (carried === undefined && existing.marked) return;
    // The replaced file's lines, or a generated file the user took over (marker removed): kept, as the user's file.
    const text = carried === undefined ? existing.text : carried.map((l) => `${l}\n`).join('');
    new GivenBackFile(this, rel, text);
    this.project.logger.info(`${rel}: given back as your own file (dockerignore: false); projen no longer writes it`);
  }
}

/**
 * Adds `<directory>/.dockerignore` with the common entries, the Dockerfile's name and `extra`; a second
 * container built from the same directory (the same build context) adds its entries to the same file, so the
 * file keeps every container's entries. The Dockerfiles and .dockerignore themselves stay out of the context.
 * A file it replaces (`replaceExisting: true`) has its lines carried below the entries.
 */
export function addDockerignore(scope: Component, directory: string, dockerfileName: string, extra: readonly string[]): void {
  const c = contextOf(scope.project, directory);
  c.owners.set(scope, [dockerfileName, ...extra]);
  if (c.file === undefined) c.file = new DockerignoreFile(scope, `${directory}/.dockerignore`, c.owners);
}

/**
 * Forgets what a container whose constructor failed gave the `.dockerignore` of its directory: its entries, and
 * the file itself when it was the file's first container (the file was removed with it from the construct tree;
 * the next container of the directory adds it again).
 */
export function releaseDockerignore(scope: Component): void {
  for (const c of contexts.get(scope.project)?.values() ?? []) {
    c.owners.delete(scope);
    if (c.file !== undefined && c.file.node.scopes.includes(scope)) c.file = undefined;
  }
}

/**
 * For a container with `dockerignore: false`: when no container writes `<directory>/.dockerignore` and the file
 * there is one projen generated, the lines it carried over from the user's file are written back as the user's
 * own file (projen would otherwise remove the file, and the user's lines with it); a generated file the user took
 * over (marker removed) is kept as it is. A file the user wrote is never touched.
 */
export function keepDockerignore(scope: Component, directory: string): void {
  const c = contextOf(scope.project, directory);
  if (c.keeper) return;
  c.keeper = true;
  new DockerignoreKeeper(scope, directory);
}
