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
  fail,
} from '../_validate';
import { InstructionData, jsonForm, quoteValue } from './_instruction-data';
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
}

const COPY_PATH_RE = /^[A-Za-z0-9._\-/@+*?[\]]+$/;
const CHOWN_RE = /^(?:\d{1,10}(?::\d{1,10})?|[a-z_][a-z0-9_-]{0,31}(?::[a-z_][a-z0-9_-]{0,31})?)$/;

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
   * `RUN` in shell form; several commands are joined with `&&` over continuation lines.
   * A command with a pipe makes the stage add `SHELL [<shell>, "-o", "pipefail", "-c"]` first (DL4006).
   * @param comment one line explaining the step
   * @param commands shell commands, each non-empty and on one line (they are shell code and are not escaped)
   * @throws Error if `commands` is empty or a command is empty or has a control character
   */
  public static run(comment: string, commands: string[]): Instruction {
    if (!Array.isArray(commands) || commands.length === 0) fail('Instruction.run.commands', 'a non-empty array', commands);
    commands.forEach((c, i) => checkLine(`Instruction.run.commands[${i}]`, c));
    return new Instruction('RUN', comment, commands, continuation('RUN', commands.map((c, i) => (i === 0 ? c : `&& ${c}`))));
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
      if (/(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)(_|$)/i.test(k)) {
        fail('Instruction.env.variables', 'a name that does not look like a secret (Trivy DS-0031); pass secrets at run time', k);
      }
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
   * `COPY [--from=...] [--chown=...] <sources...> <destination>`.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param sources paths or globs of `[A-Za-z0-9._-/@+*?[]]`, relative to the context or the `from` stage
   * @param destination absolute path, or a relative one resolved against WORKDIR (`./` or `.`)
   * @param options `--from` and `--chown`
   * @throws Error if there is no source or a path has another character
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
    if (options.chown !== undefined) {
      if (typeof options.chown !== 'string' || !CHOWN_RE.test(options.chown)) {
        fail('Instruction.copy.chown', "'uid[:gid]' or 'user[:group]'", options.chown);
      }
      flags.push(`--chown=${options.chown}`);
    }
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
   * `EXPOSE <port>/tcp`.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param port 1 to 65535
   */
  public static expose(comment: string, port: number): Instruction {
    checkPort('Instruction.expose.port', port);
    return new Instruction('EXPOSE', comment, [String(port)], [`EXPOSE ${port}/tcp`]);
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
    const t = resolveTiming('Instruction.healthcheck.timing', timing, 5);
    return Instruction._healthcheck(comment, dockerHealthcheck(t, argv, startIntervalFlag));
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
   * `STOPSIGNAL <signal>`.
   * @param comment one line explaining the instruction, written as `# <comment>` above it: non-empty, no control characters, no trailing backslash
   * @param signal a signal name such as `SIGQUIT` or `SIGTERM`
   */
  public static stopSignal(comment: string, signal: string): Instruction {
    if (typeof signal !== 'string' || !/^SIG[A-Z0-9+-]+$/.test(signal)) fail('Instruction.stopSignal.signal', 'a signal name like SIGTERM', signal);
    return new Instruction('STOPSIGNAL', comment, [signal], [`STOPSIGNAL ${signal}`]);
  }

  /** The instruction keyword, e.g. `RUN`. */
  public readonly keyword: string;
  /** The comment written above the instruction. */
  public readonly comment: string;
  private readonly data: InstructionData;

  private constructor(keyword: string, comment: string, args: string[], lines: string[], extra: { from?: string; uid?: number } = {}) {
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

