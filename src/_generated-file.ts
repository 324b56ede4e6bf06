// GeneratedFile: the read-only text file every construct of the library writes, and the cached projen marker.
import { IConstruct } from 'constructs';
import { FileBase, IResolver, Project } from 'projen';
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
 * A read-only generated text file whose content is set by its owner (at construction or
 * preSynthesize, so that errors stop synthesis before anything is written); the projen marker is
 * added when projen writes the file.
 */
export class GeneratedFile extends FileBase {
  private render?: (marker: string | undefined) => string;

  public constructor(scope: IConstruct, filePath: string) {
    super(scope, filePath, { readonly: true, committed: true });
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
    checkNotUserFile(this, ownerPath(this));
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    if (this.render === undefined) throw new Error(`${this.path}: content was never rendered`);
    return this.render(this.marker);
  }
}
