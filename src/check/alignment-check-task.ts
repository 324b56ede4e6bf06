import { IConstruct } from 'constructs';
import { Component, Task } from 'projen';
import { childPath } from '../_paths';
import { checkRelativePath, fail } from '../_validate';

/**
 * Options of the alignment-check task.
 * @see https://projen.io/docs/concepts/tasks
 */
export interface AlignmentCheckTaskOptions {
  /**
   * Name of the projen task (`npx projen <name>`).
   * @default 'check-containers'
   */
  readonly taskName?: string;

  /**
   * Project-relative files or directories to read (Dockerfiles, Kubernetes manifests, PodSpec fragments).
   * Relative paths of `[A-Za-z0-9._-/@+]`, or `.`.
   * @default ['.']
   */
  readonly paths?: string[];

  /**
   * Fail the task on any finding, warnings and notes included, not only on errors (`--strict`).
   * @default false
   */
  readonly strict?: boolean;

  /**
   * Project-relative mapping file pairing containers with Dockerfiles (`--map`; `pairs: [{ container, dockerfile, target? }]`).
   * @default - none: containers are paired by image name, then by container name
   */
  readonly mappingFile?: string;
}

/**
 * Adds a projen task that runs the alignment checker (`projen-containers check`, this package's bin) over
 * the project's Dockerfiles and Kubernetes manifests, hand-written or generated: `npx projen check-containers`
 * exits 1 when a container's Dockerfile and manifests disagree (docs/check.md lists the rules).
 *
 * @see https://projen.io/docs/concepts/tasks
 */
export class AlignmentCheckTask extends Component {
  /** The task. */
  public readonly task: Task;

  /**
   * Adds the task to the project.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options task name, paths, strictness and mapping file
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: AlignmentCheckTaskOptions = {}) {
    const path = childPath(scope, id);
    const name = options.taskName ?? 'check-containers';
    if (typeof name !== 'string' || !/^[a-z][a-z0-9:-]{0,62}$/.test(name)) fail(`${path}.taskName`, 'a task name of [a-z0-9:-], a letter first, at most 63', name);
    const paths = [...(options.paths ?? ['.'])];
    if (paths.length === 0) fail(`${path}.paths`, 'a non-empty array of paths', paths);
    // Validated to [A-Za-z0-9._-/@+]: nothing here needs quoting in the task's shell.
    paths.forEach((p, i) => {
      if (p !== '.') checkRelativePath(`${path}.paths[${i}]`, p);
    });
    const mapping = options.mappingFile === undefined ? undefined : checkRelativePath(`${path}.mappingFile`, options.mappingFile);
    super(scope, id);
    const args = ['check', ...(options.strict ? ['--strict'] : []), ...(mapping ? ['--map', mapping] : []), '--', ...paths];
    this.task = this.project.addTask(name, {
      description: 'Check that each container\'s Dockerfile and Kubernetes manifests agree (projen-containers check)',
      exec: `projen-containers ${args.join(' ')}`,
    });
  }
}
