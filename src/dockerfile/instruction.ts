import {
  checkAbsolutePath,
  checkEnvName,
  checkInteger,
  checkLabelKey,
  checkLine,
  checkArgvWith,
  checkQuotedValue,
  checkNonEmpty,
  checkPort,
  checkSignal,
  fail,
} from '../_validate';
import { InstructionData, jsonForm, quoteValue } from './_instruction-data';
import { RunMount } from './run-mount';
import { PortProtocol } from '../container/port-protocol';
import { DockerHealthcheck, dockerHealthcheck } from '../health/_docker-healthcheck';
import { resolveTiming } from '../health/_timing';
import { HealthTiming } from '../health/health-timing';

/**
 * Options of a `COPY` instruction.
 * @see https://docs.docker.com/reference/dockerfile/#copy
 */
export interface CopyOptions {
  /**
   * Copy from an earlier stage (its name) or from an image (a reference pinned by tag or digest,
   * checked at synth; hadolint DL3022).
   * @default - from the build context
   */
  readonly from?: string;

  /**
   * Owner of the copied files as `uid:gid` (numbers) or `user:group` (names).
   * @default - root, so that a non-root runtime user can read but not change them
   */
  readonly chown?: string;

  /**
   * Permissions of the copied files, octal (`0755`, `644`). Needs BuildKit (the classic builder refuses it).
   * @default - the permissions of the source files
   */
  readonly chmod?: string;

  /**
   * `--link`: the files go into a layer of their own that does not depend on the layers below, so a rebuild
   * of an earlier step does not re-copy them. Needs BuildKit with Dockerfile frontend 1.4 or later (Docker
   * Engine 23+, or a `# syntax=docker/dockerfile:1` line); Engine 20.10's built-in frontend refuses it.
   * @default false
   */
  readonly link?: boolean;
}

/**
 * Options of a `RUN` instruction.
 * @see https://docs.docker.com/reference/dockerfile/#run
 */
export interface RunOptions {
  /**
   * BuildKit mounts for this RUN only (cache, bind, secret); at most one mount per target.
   * @default [] (no mount: the RUN also builds with the classic builder)
   */
  readonly mounts?: RunMount[];
}

/**
 * Options of an `ADD` of a remote file.
 * @see https://docs.docker.com/reference/dockerfile/#add
 */
export interface AddRemoteFileOptions {
  /**
   * Owner of the file as `uid:gid` (numbers) or `user:group` (names).
   * @default - root
   */
  readonly chown?: string;

  /**
   * Permissions of the file, octal (`0755`, `644`).
   * @default '600' (Docker's mode for a downloaded file)
   */
  readonly chmod?: string;
}

const COPY_PATH_RE = /^[A-Za-z0-9._\-/@+*?[\]]+$/;
const CHOWN_RE = /^(?:\d{1,10}(?::\d{1,10})?|[a-z_][a-z0-9_-]{0,31}(?::[a-z_][a-z0-9_-]{0,31})?)$/;
const CHMOD_RE = /^[0-7]{3,4}$/;
const SECRET_NAME_RE = /(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)(_|$)/i;
// https only; no '$' (ADD expands variables), quotes, spaces or backslashes.
const REMOTE_URL_RE = /^https:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?(?:\/[A-Za-z0-9._~%!&'()*+,;=:@/-]*)?(?:\?[A-Za-z0-9._~%!&'()*+,;=:@/?-]*)?$/;
const CHECKSUM_RE = /^sha256:[a-f0-9]{64}$/;

function ownerFlags(path: string, chown: string | undefined, chmod: string | undefined): string[] {
  const flags: string[] = [];
  if (chown !== undefined) {
    if (typeof chown !== 'string' || !CHOWN_RE.test(chown)) fail(`${path}.chown`, "'uid[:gid]' or 'user[:group]'", chown);
    flags.push(`--chown=${chown}`);
  }
  if (chmod !== undefined) {
    if (typeof chmod !== 'string' || !CHMOD_RE.test(chmod)) fail(`${path}.chmod`, 'octal permissions such as 0755 or 644', chmod);
    flags.push(`--chmod=${chmod}`);
  }
  return flags;
}

function checkNotSecretName(path: string, name: string): void {
  if (SECRET_NAME_RE.test(name)) {
    fail(path, 'a name that does not look like a secret (Trivy DS-0031); ARG and ENV values stay in the image: use RunMount.secret for a build secret, pass a runtime one at run time', name);
  }
}

/** An exec-form argument: JSON form escapes control characters, but a line break is never what was meant (but in a `-c` script). */
function checkExecArg(path: string, a: string, i: number, argv: readonly string[]): void {
  if (typeof a !== 'string') fail(path, 'a string', a);
  if (/[\n\r\u0000]/.test(a) && !(i > 0 && argv[i - 1] === '-c')) fail(path, 'an argument without line breaks or NUL', a);
}

function checkArgv(path: string, argv: string[]): string[] {
  return checkArgvWith(path, argv, checkExecArg);
}

function continuation(head: string, items: string[]): string[] {
  if (items.length === 1) return [`${head} ${items[0]}`];
  return [`${head} ${items[0]} \\`, ...items.slice(1).map((s, i) => `    ${s}${i === items.length - 2 ? '' : ' \\'}`)];
}

/**
 * One Dockerfile instruction with the comment that explains it.
 *
 * Every factory takes the comment first, as it stands in the file: one `# comment` line directly
 * above the instruction (never inline, never after a `\` continuation). CMD, ENTRYPOINT, SHELL and
 * HEALTHCHECK are always in exec (JSON) form; ENV and LABEL values are double-quoted with `\`, `"`
 * and `$` escaped.
 *
 * @see https://docs.docker.com/reference/dockerfile/
 */
export class Instruction {
  /**
   * `RUN [--mount=...] <commands>` in shell form; several commands are joined with `&&` over continuation
   * lines, each mount flag on its own line before them.
   * A command with a pipe makes the stage add `SHELL [<shell>, "-o", "pipefail", "-c"]` first (DL4006).
   * @param comment one line explaining the step
   * @param commands shell commands, each non-empty and on one line (they are shell code and are not escaped)
   * @param options BuildKit mounts (`RunMount.cache`, `.bind`, `.secret`); default none
   * @throws Error if `commands` is empty or a command is empty or has a control character; `Instruction.run.mounts` if two mounts share a target
   * @see https://docs.docker.com/reference/dockerfile/#run
   * @see https://docs.docker.com/reference/dockerfile/#run---mount
   */
  public static run(comment: string, commands: string[], options: RunOptions = {}): Instruction {
    if (!Array.isArray(commands) || commands.length === 0) fail('Instruction.run.commands', 'a non-empty array', commands);
    commands.forEach((c, i) => checkLine(`Instruction.run.commands[${i}]`, c));
    const mounts = options.mounts ?? [];
    if (!Array.isArray(mounts)) fail('Instruction.run.mounts', 'an array of RunMount', mounts);
    const seen = new Set<string>();
    mounts.forEach((m, i) => {
      if (!(m instanceof RunMount)) fail(`Instruction.run.mounts[${i}]`, 'a RunMount (RunMount.cache, .bind or .secret)', m);
      if (seen.has(m.target)) fail(`Instruction.run.mounts[${i}].target`, 'a target no other mount of this RUN uses', m.target);
      seen.add(m.target);
    });
    const items = [...mounts.map((m) => m.flag), ...commands.map((c, i) => (i === 0 ? c : `&& ${c}`))];
    return new Instruction('RUN', comment, commands, continuation('RUN', items), { mounts: mounts.map((m) => m._render()) });
  }

  /**
   * `ARG <name>[="<default>"]` inside a stage: a build argument (`docker build --build-arg name=value`) visible
   * to the instructions after it in this stage only. Without a default, it takes the value of the global ARG
   * of the same name (declared before the first FROM, see `Dockerfile.addGlobalArg`) or of `--build-arg`.
   * ARG values are stored in the image history: never pass secrets this way (use `RunMount.secret`).
   * @param comment one line explaining the argument, written as `# <comment>` above it
   * @param name matches `[A-Za-z_][A-Za-z0-9_]*` and does not look like a secret (PASSWORD, TOKEN, ...: Trivy DS-0031)
   * @param defaultValue the default, written double-quoted with `\`, `"` and `$` escaped; no control characters
   * @throws Error `Instruction.arg.name: must be ...` for an invalid or secret-like name; `Instruction.arg.defaultValue` for a control character
   * @see https://docs.docker.com/reference/dockerfile/#arg
   */
  public static arg(comment: string, name: string, defaultValue?: string): Instruction {
    checkEnvName('Instruction.arg.name', name);
    checkNotSecretName('Instruction.arg.name', name);
    if (defaultValue === undefined) return new Instruction('ARG', comment, [name], [`ARG ${name}`]);
    checkQuotedValue('Instruction.arg.defaultValue', defaultValue);
    return new Instruction('ARG', comment, [name, defaultValue], [`ARG ${name}=${quoteValue(defaultValue)}`]);
  }

  /**
   * `VOLUME ["<path>", ...]` in JSON form: mount points whose contents are not part of the container's
   * writable layer. Anything a later instruction writes there is discarded at build time.
   * @param comment one line explaining the volume, written as `# <comment>` above it
   * @param paths at least one absolute path of `[A-Za-z0-9._-/@+]` without `..`
   * @throws Error `Instruction.volume.paths[i]: must be ...` for a relative or unsafe path; `Instruction.volume.paths` when empty
   * @see https://docs.docker.com/reference/dockerfile/#volume
   */
  public static volume(comment: string, paths: string[]): Instruction {
    if (!Array.isArray(paths) || paths.length === 0) fail('Instruction.volume.paths', 'a non-empty array of absolute paths', paths);
    paths.forEach((p, i) => checkAbsolutePath(`Instruction.volume.paths[${i}]`, p));
    return new Instruction('VOLUME', comment, [...paths], [`VOLUME ${jsonForm(paths)}`]);
  }

  /**
   * `ADD --checksum=sha256:<hex> [--chown] [--chmod] <url> <destination>`: a remote file, which COPY cannot
   * fetch, verified against its checksum (ADD is used for nothing else: local files use COPY, hadolint DL3020).
   * Needs BuildKit with Dockerfile frontend 1.6 or later (Docker Engine 24+, or a `# syntax=docker/dockerfile:1`
   * line).
   * @param comment one line explaining the download, written as `# <comment>` above it
   * @param url an `https://` URL without `$`, quotes, spaces or backslashes
   * @param destination absolute path, or relative to WORKDIR, of `[A-Za-z0-9._-/@+]`
   * @param checksum `sha256:` and 64 lowercase hex digits of the file
   * @param options `--chown` and `--chmod`
   * @throws Error `Instruction.addRemoteFile.<field>: must be ...` for a non-https URL, a missing or malformed checksum, a bad path or owner
   * @see https://docs.docker.com/reference/dockerfile/#add---checksum
   */
  public static addRemoteFile(comment: string, url: string, destination: string, checksum: string, options: AddRemoteFileOptions = {}): Instruction {
    if (typeof url !== 'string' || !REMOTE_URL_RE.test(url)) fail('Instruction.addRemoteFile.url', "an https:// URL without '$', quotes, spaces or backslashes (local files: use COPY)", url);
    if (typeof destination !== 'string' || !COPY_PATH_RE.test(destination)) fail('Instruction.addRemoteFile.destination', 'a path of [A-Za-z0-9._-/@+]', destination);
    if (typeof checksum !== 'string' || !CHECKSUM_RE.test(checksum)) fail('Instruction.addRemoteFile.checksum', 'sha256:<64 lowercase hex digits>', checksum);
    const flags = [`--checksum=${checksum}`, ...ownerFlags('Instruction.addRemoteFile', options.chown, options.chmod)];
    return new Instruction('ADD', comment, [url, destination], [['ADD', ...flags, url, destination].join(' ')]);
  }

  /**
   * `ENV name="value" ...`, values escaped so that nothing is expanded.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param variables name to value; names match `[A-Za-z_][A-Za-z0-9_]*`, values have no control characters
   * @throws Error if there is no variable, a name is invalid or a value has a control character
   */
  public static env(comment: string, variables: { [name: string]: string }): Instruction {
    const entries = Object.entries(variables ?? {});
    if (entries.length === 0) fail('Instruction.env.variables', 'at least one variable', variables);
    const items = entries.map(([k, v]) => {
      checkEnvName('Instruction.env.variables', k);
      checkNotSecretName('Instruction.env.variables', k);
      checkQuotedValue(`Instruction.env.variables.${k}`, v);
      return `${k}=${quoteValue(v)}`;
    });
    return new Instruction('ENV', comment, entries.map(([k]) => k), continuation('ENV', items));
  }

  /**
   * `WORKDIR <path>`.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param path absolute path of `[A-Za-z0-9._-/@+]` without `..`
   */
  public static workdir(comment: string, path: string): Instruction {
    checkAbsolutePath('Instruction.workdir.path', path);
    return new Instruction('WORKDIR', comment, [path], [`WORKDIR ${path}`]);
  }

  /**
   * `COPY [--from=...] [--chown=...] [--chmod=...] [--link] <sources...> <destination>`.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param sources paths or globs of `[A-Za-z0-9._-/@+*?[]]`, relative to the context or the `from` stage
   * @param destination absolute path, or a relative one resolved against WORKDIR (`./` or `.`)
   * @param options `--from`, `--chown`, `--chmod` and `--link`
   * @throws Error if there is no source or a path has another character; `Instruction.copy.chown`, `.chmod`, `.link` for a malformed flag
   * @see https://docs.docker.com/reference/dockerfile/#copy
   */
  public static copy(comment: string, sources: string[], destination: string, options: CopyOptions = {}): Instruction {
    if (!Array.isArray(sources) || sources.length === 0) fail('Instruction.copy.sources', 'a non-empty array', sources);
    [...sources, destination].forEach((p, i) => {
      if (typeof p !== 'string' || !COPY_PATH_RE.test(p)) {
        fail(i < sources.length ? `Instruction.copy.sources[${i}]` : 'Instruction.copy.destination', 'a path of [A-Za-z0-9._-/@+*?[]]', p);
      }
    });
    const flags: string[] = [];
    if (options.from !== undefined) {
      checkNonEmpty('Instruction.copy.from', options.from);
      flags.push(`--from=${options.from}`);
    }
    flags.push(...ownerFlags('Instruction.copy', options.chown, options.chmod));
    if (options.link !== undefined && typeof options.link !== 'boolean') fail('Instruction.copy.link', 'a boolean', options.link);
    if (options.link) flags.push('--link');
    const line = ['COPY', ...flags, ...sources, destination].join(' ');
    return new Instruction('COPY', comment, [...sources, destination], [line], { from: options.from });
  }

  /**
   * `USER <uid>:<gid>`, numeric so that Kubernetes `runAsNonRoot` can verify it.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param uid 1 to 2147483647 (0 is root and refused)
   * @param gid 0 to 2147483647
   */
  public static user(comment: string, uid: number, gid: number): Instruction {
    if (uid === 0) fail('Instruction.user.uid', 'a non-root uid (1 to 2147483647)', uid);
    checkInteger('Instruction.user.uid', uid, 1, 2147483647);
    checkInteger('Instruction.user.gid', gid, 0, 2147483647);
    return new Instruction('USER', comment, [`${uid}:${gid}`], [`USER ${uid}:${gid}`], { uid });
  }

  /**
   * `USER 0:0`: root, for setup steps in an image whose default user is not root (nginx-unprivileged).
   * The final stage must end with a non-root `USER` (checked at synth, hadolint DL3002).
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   */
  public static rootUser(comment: string): Instruction {
    return new Instruction('USER', comment, ['0:0'], ['USER 0:0'], { uid: 0 });
  }

  /**
   * `EXPOSE <port>/tcp` (or `/udp`).
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param port 1 to 65535
   * @param protocol the port's protocol
   * @default protocol PortProtocol.TCP
   * @see https://docs.docker.com/reference/dockerfile/#expose
   */
  public static expose(comment: string, port: number, protocol: PortProtocol = PortProtocol.TCP): Instruction {
    checkPort('Instruction.expose.port', port);
    if (!Object.values(PortProtocol).includes(protocol)) fail('Instruction.expose.protocol', 'PortProtocol.TCP or PortProtocol.UDP', protocol);
    return new Instruction('EXPOSE', comment, [String(port)], [`EXPOSE ${port}/${protocol.toLowerCase()}`]);
  }

  /**
   * `LABEL key="value" ...`.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param labels key to value; keys follow the OCI annotation rules (`[0-9a-z._/-]`, hadolint DL3048),
   * values have no control characters and are escaped
   */
  public static label(comment: string, labels: { [key: string]: string }): Instruction {
    const entries = Object.entries(labels ?? {});
    if (entries.length === 0) fail('Instruction.label.labels', 'at least one label', labels);
    const items = entries.map(([k, v]) => {
      checkLabelKey('Instruction.label.labels', k);
      checkQuotedValue(`Instruction.label.labels.${k}`, v);
      return `${k}=${quoteValue(v)}`;
    });
    return new Instruction('LABEL', comment, entries.map(([k]) => k), continuation('LABEL', items));
  }

  /**
   * `HEALTHCHECK --interval --timeout --start-period [--start-interval] --retries CMD [...]`: every flag is
   * written but `--start-interval`, which only `startIntervalFlag` turns on.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param command exec-form argv of the check; it must exit 0 (healthy) or 1 (unhealthy)
   * @param timing durations in whole seconds (see HealthTiming); here `startPeriod` defaults to 5 s
   * @param startIntervalFlag write `--start-interval` (needs Docker Engine 25 or later); default false
   */
  public static healthcheck(comment: string, command: string[], timing: HealthTiming, startIntervalFlag: boolean = false): Instruction {
    const argv = checkArgv('Instruction.healthcheck.command', command);
    const t = resolveTiming('Instruction.healthcheck.timing', timing, 5, 5, startIntervalFlag);
    return Instruction._healthcheck(comment, dockerHealthcheck(t, argv, startIntervalFlag));
  }

  /**
   * `HEALTHCHECK NONE`: the image has no Docker health check, not even one its base image carries (docker run,
   * Compose and Swarm then report no health status). For an image only the kubelet's probes check.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @see https://docs.docker.com/reference/dockerfile/#healthcheck
   */
  public static healthcheckNone(comment: string): Instruction {
    return new Instruction('HEALTHCHECK', comment, ['NONE'], ['HEALTHCHECK NONE']);
  }

  /**
   * The HEALTHCHECK of an already rendered check (a container's model: its timing is whole seconds already).
   * @internal
   */
  public static _healthcheck(comment: string, hc: DockerHealthcheck): Instruction {
    const argv = checkArgv('Instruction.healthcheck.command', [...hc.command]);
    return new Instruction('HEALTHCHECK', comment, argv, [`HEALTHCHECK ${hc.flags.join(' ')} \\`, `    CMD ${jsonForm(argv)}`]);
  }

  /**
   * `CMD [...]` in exec form.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param argv at least one argument, each without line breaks
   */
  public static cmd(comment: string, argv: string[]): Instruction {
    const a = checkArgv('Instruction.cmd.argv', argv);
    return new Instruction('CMD', comment, a, [`CMD ${jsonForm(a)}`]);
  }

  /**
   * `ENTRYPOINT [...]` in exec form.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param argv at least one argument, each without line breaks
   */
  public static entrypoint(comment: string, argv: string[]): Instruction {
    const a = checkArgv('Instruction.entrypoint.argv', argv);
    return new Instruction('ENTRYPOINT', comment, a, [`ENTRYPOINT ${jsonForm(a)}`]);
  }

  /**
   * `SHELL [...]`: the shell for later shell-form RUN instructions.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param argv at least one argument, each without line breaks
   */
  public static shell(comment: string, argv: string[]): Instruction {
    const a = checkArgv('Instruction.shell.argv', argv);
    return new Instruction('SHELL', comment, a, [`SHELL ${jsonForm(a)}`]);
  }

  /**
   * `STOPSIGNAL <signal>`: the signal `docker stop` (and the kubelet, through the runtime) sends first.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param signal a signal name such as `SIGQUIT` or `SIGTERM`
   * @throws Error `Instruction.stopSignal.signal: must be a signal name like SIGTERM or SIGQUIT` otherwise
   * @see https://docs.docker.com/reference/dockerfile/#stopsignal
   */
  public static stopSignal(comment: string, signal: string): Instruction {
    checkSignal('Instruction.stopSignal.signal', signal);
    return new Instruction('STOPSIGNAL', comment, [signal], [`STOPSIGNAL ${signal}`]);
  }

  /** The instruction keyword, e.g. `RUN`. */
  public readonly keyword: string;
  /** The comment written above the instruction. */
  public readonly comment: string;
  private readonly data: InstructionData;

  private constructor(keyword: string, comment: string, args: string[], lines: string[], extra: Partial<Pick<InstructionData, 'from' | 'uid' | 'mounts'>> = {}) {
    checkLine(`Instruction.${keyword.toLowerCase()}.comment`, comment);
    this.keyword = keyword;
    this.comment = comment;
    this.data = { keyword, comment, args: [...args], lines, ...extra };
  }

  /** The instruction as plain data. @internal */
  public _render(): InstructionData {
    return this.data;
  }
}

