// AlignmentReport: the markdown report of several containers (its renderer is _render-report.ts).
import { IConstruct } from 'constructs';
import { Component, FileBase } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { checkKnownKeys } from '../_validate';
import { checkServices, outputFile } from './_common';
import { renderReport } from './_render-report';
import { childPath, pathOf } from '../_paths';
import { ContainerService } from '../service/container-service';

/**
 * Options of `AlignmentReport`.
 * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
export interface AlignmentReportOptions {
  /** The containers, one section each, in this order. */
  readonly services: ContainerService[];

  /**
   * Project-relative path of the report (`.md`).
   * @default 'docs/health-alignment.md'
   */
  readonly filePath?: string;
}

/** Every key of `AlignmentReportOptions`. */
const ALIGNMENT_REPORT_OPTIONS_KEYS: Record<keyof AlignmentReportOptions, true> = { services: true, filePath: true };

/**
 * A generated markdown report: per container, each health setting as Docker sees it (HEALTHCHECK flags,
 * Compose `healthcheck`) and as Kubernetes sees it (probe fields), and what the settings mean in time:
 * the first check, the startup budget, the time to detect a dead process, the worst case before a
 * restart, and a mermaid timeline of an app that never answers.
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for an invalid option
 * @see https://docs.docker.com/reference/dockerfile/#healthcheck
 * @see https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
export class AlignmentReport extends Component {
  /** The generated report. */
  public readonly file: FileBase;
  private readonly services: ContainerService[];
  private readonly generated: GeneratedFile;

  /**
   * Adds the alignment report (markdown) of the given containers to the project.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the containers and the file's options
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: AlignmentReportOptions) {
    // Before super(): a refused options object leaves nothing in the project.
    checkKnownKeys(childPath(scope, id), options, ALIGNMENT_REPORT_OPTIONS_KEYS, 'AlignmentReportOptions');
    super(scope, id);
    const path = pathOf(this);
    this.services = checkServices(`${path}.services`, options?.services);
    this.generated = outputFile(this, options.filePath, 'docs/health-alignment.md', ['.md']);
    this.file = this.generated;
  }

  /** Renders the report. */
  public preSynthesize(): void {
    this.generated.setContent((marker) => renderReport(marker, this.services.map((s) => s._model)));
  }
}
