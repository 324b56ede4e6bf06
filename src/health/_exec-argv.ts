// Exec-check argv rules: words only a shell understands are refused; the shell form's argv.
import { CheckTool } from './check-tool';
import { checkNoControl, checkNonEmpty, fail } from '../_validate';
import { ImageFamily } from '../images/image-family';

/** Programs that run their `-c` argument as a script: the words after `-c` are shell text, not argv words. */
const SHELLS = /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash|zsh|busybox)$/;

/** A whole word that is a shell operator or a redirection. */
const OPERATOR = /^(?:\|\||&&|;;?|\||&|!|[0-9]*(?:>>?|<<?|>&|<&)\S*)$/;
/** Shell expansion inside a word: `$VAR`, `${VAR}`, `$(...)`, `$?`, backticks. */
const EXPANSION = /\$(?:[A-Za-z_{(?#@*!$0-9])|`/;

/**
 * Checks the argv of an exec check: no word a shell would interpret (no shell runs it, so `||`, `;`, `>` or
 * `$VAR` would reach the program literally and `["true", ";", "false"]` would always pass). Words after a
 * shell's `-c` are a script and are left as they are.
 * @throws Error `<path>[<n>]: must be an argv word ...` naming `HealthCheck.shell(script)` as the fix
 */
export function checkExecArgv(path: string, command: string[]): string[] {
  if (!Array.isArray(command) || command.length === 0) fail(path, 'a non-empty argv array', command);
  command.forEach((arg, i) => checkNonEmpty(`${path}[${i}]`, arg));
  const scriptFrom = SHELLS.test(command[0]) ? command.indexOf('-c') : -1;
  command.forEach((arg, i) => {
    if (scriptFrom > 0 && i > scriptFrom) return;
    if (OPERATOR.test(arg) || EXPANSION.test(arg)) {
      fail(`${path}[${i}]`, 'an argv word the program receives as it is: an exec check runs without a shell, so operators (||, &&, ;, |, >, <) and expansions ($VAR, ${VAR}, $(...), backticks) would not work; write shell syntax as HealthCheck.shell(script), which runs /bin/sh -c in the final stage', arg);
    }
  });
  return [...command];
}

/**
 * The argv of a shell check: `/bin/sh -c "(<script>) || exit 1"`, so any failure exits 1 (Docker reserves 2).
 * @throws Error `<path>.script: must be ...` for an empty script or one with control characters (a newline included)
 */
export function shellArgv(path: string, script: string): string[] {
  checkNonEmpty(`${path}.script`, script);
  checkNoControl(`${path}.script`, script);
  return ['/bin/sh', '-c', `(${script}) || exit 1`];
}

/** True when the word runs a shell (`sh`, `/bin/sh`, `bash`, `busybox` ...): nothing a distroless image has. */
export function isShellProgram(word: string | undefined): boolean {
  return SHELLS.test(word ?? '');
}

/** The program an exec check runs, by base name (`/usr/bin/curl` -> `curl`). */
export function execProgram(command: readonly string[]): string {
  return (command[0] ?? '').split('/').pop() ?? '';
}

/** Programs whose presence the model knows: the check tools, by their command names. */
const TOOL_PROGRAMS: Record<string, CheckTool> = {
  curl: CheckTool.CURL,
  wget: CheckTool.WGET,
  python: CheckTool.PYTHON,
  python3: CheckTool.PYTHON,
  node: CheckTool.NODE,
  nodejs: CheckTool.NODE,
  grpc_health_probe: CheckTool.GRPC_HEALTH_PROBE,
};

/**
 * A warning when an exec check runs a program the final stage is known to lack: a check tool neither the base
 * image, `systemPackages` nor `addedTools` provides, or bash on Alpine (BusyBox sh only). Other programs (the app's
 * own) cannot be known and are not warned about. (A shell on distroless is refused by the model.)
 * @param path the check's field path, e.g. `worker.healthCheck`
 */
export function missingProgramWarning(
  path: string,
  command: readonly string[],
  available: readonly CheckTool[],
  family: ImageFamily,
  reference: string,
): string | undefined {
  const program = execProgram(command);
  const tool = TOOL_PROGRAMS[program];
  if (tool !== undefined && !available.includes(tool)) {
    return `${path}: runs ${program}, which the final stage (${reference}) does not have as far as the model knows; install it with systemPackages or declare it in addedTools, or the check always fails`;
  }
  if (/^(?:bash|zsh)$/.test(program) && family === ImageFamily.ALPINE) {
    return `${path}: runs ${program}, which Alpine images lack (BusyBox sh only); use /bin/sh or install it with systemPackages`;
  }
  return undefined;
}
