// The account of a model: name, uid, group and gid, validated.
import { checkAccountName, checkKnownKeys, checkNonRootId } from '../_validate';
import { ContainerUser } from './container-user';

/** A validated account. */
export interface ResolvedUser {
  readonly name: string;
  readonly uid: number;
  readonly group: string;
  readonly gid: number;
}

/** Every key of ContainerUser (complete: the compiler checks it); any other is refused. */
const CONTAINER_USER_KEYS: Record<keyof ContainerUser, true> = { name: true, uid: true, group: true, gid: true, existing: true };

export function resolveUser(path: string, user: ContainerUser | undefined, defaultGroup: string): ResolvedUser {
  checkKnownKeys(path, user, CONTAINER_USER_KEYS, 'ContainerUser');
  const u = user ?? {};
  return {
    name: checkAccountName(`${path}.name`, u.name ?? 'appuser'),
    uid: checkNonRootId(`${path}.uid`, u.uid ?? 1000),
    group: checkAccountName(`${path}.group`, u.group ?? defaultGroup),
    gid: checkNonRootId(`${path}.gid`, u.gid ?? 1000),
  };
}
