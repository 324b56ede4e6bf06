import { IConstruct } from 'constructs';
import { FileBase, IResolver } from 'projen';

/**
 * A read-only generated text file whose content is set by its owner (at preSynthesize, so that
 * errors stop synthesis before anything is written).
 */
export class GeneratedFile extends FileBase {
  private content?: string;

  public constructor(scope: IConstruct, filePath: string) {
    super(scope, filePath, { readonly: true, committed: true });
  }

  /** Sets the content; `render` receives the projen marker (undefined when ejected). */
  public setContent(render: (marker: string | undefined) => string): void {
    this.content = render(this.marker);
  }

  protected synthesizeContent(_resolver: IResolver): string | undefined {
    if (this.content === undefined) throw new Error(`${this.path}: content was never rendered`);
    return this.content;
  }
}
