import { checkAbsolutePath, checkInteger, fail } from '../_validate';
import { MountData } from './_instruction-data';

/**
 * How builds running at the same time share a cache mount.
 * @see https://docs.docker.com/reference/dockerfile/#run---mounttypecache
 */
export enum CacheSharing {
  /** Several writers at once (BuildKit's default). */
  SHARED = 'shared',
  /** A new mount for each writer while one is in use. */
  PRIVATE = 'private',
  /** Writers wait until the one before has released the mount (npm and apt lock their caches themselves; uv too). */
  LOCKED = 'locked',
}

/**
 * Options of a `RUN --mount=type=cache` mount: a folder that persists between builds but never becomes
 * part of an image layer (the package manager's download cache).
 * @see https://docs.docker.com/reference/dockerfile/#run---mounttypecache
 */
export interface CacheMountOptions {
  /** Absolute path of the folder in the build container, e.g. `/root/.cache/uv`. */
  readonly target: string;

  /**
   * The cache's id: mounts with the same id share one cache, across stages and Dockerfiles. `[A-Za-z0-9._/-]`.
   * @default - BuildKit uses the target path
   */
  readonly id?: string;

  /**
   * How concurrent builds share it.
   * @default - not written: BuildKit's default, SHARED
   */
  readonly sharing?: CacheSharing;

  /**
   * Owner uid of the cache folder (when the RUN runs as a non-root USER), 0 to 2147483647.
   * @default - not written: 0
   */
  readonly uid?: number;

  /**
   * Owner gid of the cache folder, 0 to 2147483647.
   * @default - not written: 0
   */
  readonly gid?: number;
}

/**
 * Options of a `RUN --mount=type=bind` mount: files of the build context (or of a stage) visible during
 * one RUN only, e.g. lock files read by the install step, never copied into a layer.
 * @see https://docs.docker.com/reference/dockerfile/#run---mounttypebind
 */
export interface BindMountOptions {
  /** Where the files appear: an absolute path, or relative to the WORKDIR (e.g. `uv.lock`). `[A-Za-z0-9._/@+-]`, no `..`. */
  readonly target: string;

  /**
   * Path in the build context (or in `from`), `[A-Za-z0-9._/@+-]`, no `..`.
   * @default - the root of the context (or of `from`)
   */
  readonly source?: string;

  /**
   * An earlier stage's name or a pinned image to mount from (checked at synth like `COPY --from`).
   * @default - the build context
   */
  readonly from?: string;

  /**
   * Allow writes (they are thrown away after the RUN).
   * @default false
   */
  readonly readwrite?: boolean;
}

/**
 * Options of a `RUN --mount=type=secret` mount: a secret given to `docker build --secret id=<id>,src=<file>`
 * as a file during one RUN; BuildKit mounts it on a tmpfs, so nothing of it reaches a layer or the
 * image history. A secret is never an ARG or ENV (those are stored in the image).
 * @see https://docs.docker.com/reference/dockerfile/#run---mounttypesecret
 * @see https://docs.docker.com/build/building/secrets/
 */
export interface SecretMountOptions {
  /** The secret's id, as passed to `docker build --secret id=<id>`: 1 to 64 of `[A-Za-z0-9_.-]`, not starting with `.`. */
  readonly id: string;

  /**
   * Absolute path of the secret file during the RUN.
   * @default - `/run/secrets/<id>` (not written)
   */
  readonly target?: string;

  /**
   * Fail the build when the secret is not given.
   * @default false (not written; the file is then absent)
   */
  readonly required?: boolean;
}

const CACHE_ID_RE = /^[A-Za-z0-9._/-]{1,128}$/;
const SECRET_ID_RE = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;
const REL_RE = /^[A-Za-z0-9._@+-][A-Za-z0-9._/@+-]*$/;

/** A relative or absolute path that needs no quoting in a `--mount` flag (a CSV field). */
function checkMountPath(path: string, value: string, relative: boolean): string {
  if (typeof value === 'string' && value.startsWith('/')) return checkAbsolutePath(path, value);
  if (!relative || typeof value !== 'string' || !REL_RE.test(value) || value.split('/').some((s) => s === '..' || s === '')) {
    fail(path, relative ? "a path of [A-Za-z0-9._/@+-] without '..' or empty segments" : 'an absolute path', value);
  }
  return value;
}

/**
 * A BuildKit mount of one `RUN` instruction (`--mount=type=cache|bind|secret,...`). Mounts need BuildKit
 * (Docker's default builder since Engine 23; `DOCKER_BUILDKIT=1` on 18.09 to 22); the classic builder
 * refuses them. Docker Engine 20.10's built-in Dockerfile frontend takes them without a `# syntax=` line.
 *
 * Every value is checked to need no quoting in the flag, so nothing a user passes can add another option.
 * @see https://docs.docker.com/reference/dockerfile/#run---mount
 */
export class RunMount {
  /**
   * `--mount=type=cache,target=<target>[,id=<id>][,sharing=<sharing>][,uid=<uid>][,gid=<gid>]`.
   * @param options target (absolute), id, sharing, uid, gid
   * @throws Error `RunMount.cache.<field>: must be ...` for a relative target, an id or a number out of range
   */
  public static cache(options: CacheMountOptions): RunMount {
    const target = checkMountPath('RunMount.cache.target', options?.target, false);
    const parts = ['type=cache', `target=${target}`];
    if (options.id !== undefined) {
      if (typeof options.id !== 'string' || !CACHE_ID_RE.test(options.id)) fail('RunMount.cache.id', '1 to 128 of [A-Za-z0-9._/-]', options.id);
      parts.push(`id=${options.id}`);
    }
    if (options.sharing !== undefined) {
      if (!Object.values(CacheSharing).includes(options.sharing)) fail('RunMount.cache.sharing', 'a CacheSharing', options.sharing);
      parts.push(`sharing=${options.sharing}`);
    }
    if (options.uid !== undefined) parts.push(`uid=${checkInteger('RunMount.cache.uid', options.uid, 0, 2147483647)}`);
    if (options.gid !== undefined) parts.push(`gid=${checkInteger('RunMount.cache.gid', options.gid, 0, 2147483647)}`);
    return new RunMount({ type: 'cache', flag: parts.join(','), target });
  }

  /**
   * `--mount=type=bind,source=<source>,target=<target>[,from=<from>][,rw]`.
   * @param options target, source, from, readwrite
   * @throws Error `RunMount.bind.<field>: must be ...` for a path with `..` or a character that would need quoting
   */
  public static bind(options: BindMountOptions): RunMount {
    const target = checkMountPath('RunMount.bind.target', options?.target, true);
    const parts = ['type=bind'];
    if (options.source !== undefined) parts.push(`source=${checkMountPath('RunMount.bind.source', options.source, true)}`);
    parts.push(`target=${target}`);
    if (options.from !== undefined) {
      if (typeof options.from !== 'string' || !/^[A-Za-z0-9._/:@-]+$/.test(options.from)) fail('RunMount.bind.from', 'a stage name or an image reference', options.from);
      parts.push(`from=${options.from}`);
    }
    if (options.readwrite !== undefined && typeof options.readwrite !== 'boolean') fail('RunMount.bind.readwrite', 'a boolean', options.readwrite);
    if (options.readwrite) parts.push('rw');
    return new RunMount({ type: 'bind', flag: parts.join(','), target, from: options.from });
  }

  /**
   * `--mount=type=secret,id=<id>[,target=<target>][,required=true]`: only the id is written, never the secret.
   * @param options id, target, required
   * @throws Error `RunMount.secret.id: must be ...` for an id that is not a safe file name; `RunMount.secret.target` for a relative target
   */
  public static secret(options: SecretMountOptions): RunMount {
    if (typeof options?.id !== 'string' || !SECRET_ID_RE.test(options.id)) {
      fail('RunMount.secret.id', "1 to 64 of [A-Za-z0-9_.-], not starting with '.' (it names the file /run/secrets/<id>)", options?.id);
    }
    const parts = ['type=secret', `id=${options.id}`];
    const target = options.target === undefined ? `/run/secrets/${options.id}` : checkMountPath('RunMount.secret.target', options.target, false);
    if (options.target !== undefined) parts.push(`target=${target}`);
    if (options.required !== undefined && typeof options.required !== 'boolean') fail('RunMount.secret.required', 'a boolean', options.required);
    if (options.required) parts.push('required=true');
    return new RunMount({ type: 'secret', flag: parts.join(','), target });
  }

  /** The mount type: `cache`, `bind` or `secret`. */
  public readonly type: string;
  /** Where the mount appears in the build container. */
  public readonly target: string;
  private readonly data: MountData;

  private constructor(data: MountData) {
    this.type = data.type;
    this.target = data.target;
    this.data = data;
  }

  /** The flag as written, e.g. `--mount=type=cache,target=/root/.npm`. */
  public get flag(): string {
    return `--mount=${this.data.flag}`;
  }

  /** The mount as plain data. @internal */
  public _render(): MountData {
    return this.data;
  }
}
