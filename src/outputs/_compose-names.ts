// How a Compose file's errors name its options: its own, or those of the ServiceOutputs that made it.
import { IConstruct } from 'constructs';

/** The option each error names, by the ComposeFile field it is about. */
export interface ComposeOptionNames {
  /** The construct path errors start with. */
  readonly path: string;
  readonly services: string;
  readonly filePath: string;
  readonly publishPorts: string;
  readonly dependencies: string;
  readonly serviceSettings: string;
  readonly extraServices: string;
  /** The option that leaves a container out on purpose, if the owner has one (ServiceOutputs' `exclude`). */
  readonly exclude?: string;
}

/** The names a scope (a ServiceOutputs) gives the Compose file made under it. */
const byScope = new WeakMap<IConstruct, ComposeOptionNames>();

/** Makes the errors of a Compose file created under `scope` name `names` (call before creating it). */
export function nameComposeOptions(scope: IConstruct, names: ComposeOptionNames): void {
  byScope.set(scope, names);
}

/** The names for a Compose file at `path` under `scope`: the scope's, else ComposeFile's own. */
export function composeOptionNames(scope: IConstruct, path: string): ComposeOptionNames {
  return byScope.get(scope) ?? {
    path,
    services: 'services',
    filePath: 'filePath',
    publishPorts: 'publishPorts',
    dependencies: 'dependencies',
    serviceSettings: 'serviceSettings',
    extraServices: 'extraServices',
  };
}
