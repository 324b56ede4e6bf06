// GeneratedFile: the read-only text file every construct of the library writes, and the cached projen marker.
import { IConstruct } from 'constructs';
import { FileBase, IResolver, javascript, Project } from 'projen';
import { checkNotUserFile, ownerPath } from './_user-file';

/** The projen marker of each project, looked up once, at the first preSynthesize of one of its files. */
const markers = new WeakMap<Project, string | undefined>();

/**
 * Records the projen marker of `project` unless it is known (call from a file's preSynthesize: the
 * projenrc component exists by then). projen's `FileBase.marker` searches every construct of the project
 * for that component on each call, and projen asks it once per written file, so a project with N
 * containers paid O(N) per file.
 * @param compute the uncached marker (`super.marker`)
 */
export function cacheMarker(project: Project, compute: () => string | undefined): void {
  if (!markers.has(project)) markers.set(project, compute());
}

/** The recorded marker of `project`, or `compute()` before its synthesis. */
export function cachedMarker(project: Project, compute: () => string | undefined): string | undefined {
  return markers.has(project) ? markers.get(project) : compute();
}

/**
 * Keeps a generated file out of the project's npm package: a projen Node project (`TypeScriptProject`,
 * `JsiiProject`, ...) packs everything its `.npmignore` does not exclude, so `npx projen build` would
 * publish the Dockerfiles, snippets and reports. Bare projects have no `.npmignore`; nothing to do there.
 * @param project the project that writes the file
 * @param filePath the file's path relative to the project's outdir
 */
export function excludeFromNpmPackage(project: Project, filePath: string): void {
  if (project instanceof javascript.NodeProject) project.npmignore?.exclude(`/${filePath}`);
}

/**
 * A read-only generated text file whose content is set by its owner (at construction or
 * preSynthesize, so that errors stop synthesis before anything is written); the projen marker is
 * added when projen writes the file.
 */
export class GeneratedFile extends FileBase {
  private render?: (marker: string | undefined) => string;

  public constructor(scope: IConstruct, filePath: string) {
    super(scope, filePath, { readonly: true, committed: true });
    excludeFromNpmPackage(this.project, filePath);
  }

  /** The projen marker, looked up once per project from its synthesis on. */
  public get marker(): string | undefined {
    return cachedMarker(this.project, () => super.marker);
  }

  /** Sets the content; `render` receives the projen marker (undefined when ejected) and must not throw. */
  public setContent(render: (marker: string | undefined) => string): void {
    this.render = render;
  }

  public preSynthesize(): void {
    cacheMarker(this.project, () => super.marker);
    // Every file of the library carries the marker unless the project is ejected: then a file there without it is
    // the user's, even one projen wrote before (listed in .projen/files.json: restored from git, or taken over).
    checkNotUserFile(this, ownerPath(this), this.marker !== undefined);
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    if (this.render === undefined) throw new Error(`${this.path}: content was never rendered`);
    return this.render(this.marker);
  }
}
