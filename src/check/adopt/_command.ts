// What an adopted container runs: the image's ENTRYPOINT and CMD as Docker runs them (a shell form kept as `/bin/sh -c`), the manifest's command and args named.
import * as fs from 'fs';
import { DockerImage, DockerInstruction, K8sContainer } from '../read';

/**
 * The instruction's text as Docker's parser reads it from the file: continuation lines joined (the escape character
 * and the line break removed, nothing else), comment and empty lines inside the continuation dropped, the keyword
 * and its `--flag=value` words removed. Falls back to the parsed content when the file cannot be read.
 */
export function instructionText(absFile: string, ins: DockerInstruction): string {
  let lines: string[];
  try {
    lines = fs.readFileSync(absFile, 'utf8').split(/\r?\n/);
  } catch {
    return ins.content;
  }
  let text = lines[ins.line - 1] ?? '';
  for (let n = ins.line; /\\[ \t]*$/.test(text) && n < lines.length; n++) {
    text = text.replace(/\\[ \t]*$/, '');
    const next = lines[n];
    if (/^\s*(#.*)?$/.test(next)) continue;
    text += next;
  }
  return text.replace(/^\s*\S+/, '').replace(/^(\s+--[a-z-]+(=\S*)?)*/i, '').trim();
}

/** True when a CMD/ENTRYPOINT is written in shell form (not a JSON array of strings). */
export function isShellForm(ins: DockerInstruction | undefined): boolean {
  if (!ins) return false;
  if (!ins.content.startsWith('[')) return true;
  try {
    const v = JSON.parse(ins.content);
    return !(Array.isArray(v) && v.every((x) => typeof x === 'string'));
  } catch {
    return true;
  }
}

/**
 * The argv Docker stores for a CMD or ENTRYPOINT: the JSON array of the exec form, or `["/bin/sh", "-c", <text>]`
 * for the shell form (with the default SHELL), the text exactly as written so that the shell expands `$PORT` and
 * `${USERS:-10}`, keeps quotes and applies `2>&1` at run time, as it did.
 * @see https://docs.docker.com/reference/dockerfile/#shell-and-exec-form
 */
export function dockerArgv(image: DockerImage, ins: DockerInstruction): string[] {
  if (!isShellForm(ins)) return JSON.parse(ins.content) as string[];
  const shell = image.target.instructions.filter((i) => i.keyword === 'SHELL' && i.line < ins.line).pop();
  const prefix = shell && !isShellForm(shell) ? JSON.parse(shell.content) as string[] : ['/bin/sh', '-c'];
  return [...prefix, instructionText(image.absFile, ins)];
}

/** The construct's entrypoint and command, the comment above CMD, and what the manifest changes at run time. */
export interface CommandCarry {
  readonly entrypoint?: string[];
  readonly command?: string[];
  /** Neither the image nor the manifest says what runs: the construct writes no ENTRYPOINT or CMD either (`baseImageCommand`). */
  readonly baseImageCommand?: boolean;
  /** The comment above CMD when the default ("exec form, receives SIGTERM directly") would not be true. */
  readonly commandComment?: string;
  readonly notes: string[];
}

/**
 * The image's ENTRYPOINT and CMD as the construct's `entrypoint` and `command`, exactly as Docker runs them. A
 * shell-form ENTRYPOINT ignores CMD (Docker runs `/bin/sh -c <entrypoint>` alone); ENTRYPOINT with no CMD runs as
 * a CMD of the same argv would, unless the manifest's `args` follow it (then it stays the ENTRYPOINT and the args
 * become the CMD: written as a CMD, the args that replace it would run as the program); an empty `CMD []` beside an
 * ENTRYPOINT is no CMD (Docker runs the ENTRYPOINT alone either way). An image with no CMD nor ENTRYPOINT runs what
 * its base image runs, with the manifest's `command` as the ENTRYPOINT (it replaces the base image's, whose CMD it
 * drops) and `args` as the CMD (they replace the base image's CMD, its ENTRYPOINT stays): Kubernetes runs the same
 * argv with or without them. With neither, nothing is written (`baseImageCommand`): the base image's command runs,
 * as in the original. The manifest's `command` and `args`, which replace ENTRYPOINT and CMD at run time, stay in
 * the user's workload: named in the notes.
 * @see https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#notes
 * @see https://docs.docker.com/reference/dockerfile/#understand-how-cmd-and-entrypoint-interact
 */
export function carryCommand(image: DockerImage, c: K8sContainer): CommandCarry {
  const notes: string[] = [];
  const shellEntry = image.entrypoint !== undefined && isShellForm(image.entrypoint);
  let entrypoint = image.entrypoint ? dockerArgv(image, image.entrypoint) : undefined;
  // `CMD []` after an ENTRYPOINT: no arguments, as with no CMD at all.
  const emptyCmd = image.cmd !== undefined && entrypoint !== undefined && !isShellForm(image.cmd) && dockerArgv(image, image.cmd).length === 0;
  let command = image.cmd && !shellEntry && !emptyCmd ? dockerArgv(image, image.cmd) : undefined;
  if (shellEntry && image.cmd) notes.push(`${image.file}:${image.cmd.line} CMD ${image.cmd.content}: a shell-form ENTRYPOINT ignores CMD (Docker runs /bin/sh -c <entrypoint> alone), so it is not written`);
  const where = (a: { lines: number[] }) => `${c.file}:${a.lines[0] ?? c.line}`;
  if (entrypoint && !command && c.args && !c.command && !shellEntry) {
    // The operator shape: an exec-form ENTRYPOINT the manifest's args follow. Written as a CMD, the args (which
    // replace the CMD) would run as the program; kept as the ENTRYPOINT, with the args as the image's CMD, Kubernetes
    // runs the same argv with or without the workload's args.
    command = [...c.args.words];
    notes.push(`the image has an ENTRYPOINT and no CMD, and the manifest's args ${JSON.stringify(command)} (${where(c.args)}) follow it: the ENTRYPOINT is kept, the args are the image's CMD (Kubernetes runs the same argv; \`docker run\` without arguments passes them too)`);
  } else if (entrypoint && !command) {
    command = entrypoint;
    entrypoint = undefined;
  }
  if (!command && !entrypoint && !c.command && !c.args) {
    // Nothing says what runs but the base image: the construct writes no ENTRYPOINT or CMD either.
    return { baseImageCommand: true, notes };
  }
  if (!command && !entrypoint && c.command) {
    // No CMD or ENTRYPOINT in the image: the manifest's command replaces the base image's ENTRYPOINT (and drops its
    // CMD), its args are the CMD; written as ENTRYPOINT and CMD, the image runs the same argv.
    entrypoint = [...c.command.words];
    command = c.args ? [...c.args.words] : undefined;
    notes.push(`the image has no CMD or ENTRYPOINT: the manifest's command ${JSON.stringify(entrypoint)} (${where(c.command)}) is now the image's ENTRYPOINT${command ? ` and its args ${JSON.stringify(command)} (${where(c.args!)}) the CMD` : ' (no CMD: it runs alone, as in the workload)'}; the generated snippet does not write ${c.args ? 'them' : 'it'}: keep ${c.args ? 'them' : 'it'} in your workload or leave ${c.args ? 'them' : 'it'} out (the same argv runs)`);
  } else if (!command && c.args) {
    // No CMD or ENTRYPOINT in the image: the manifest's args are the CMD, after the base image's ENTRYPOINT (if any).
    command = [...c.args.words];
    notes.push(`the image has no CMD or ENTRYPOINT: the manifest's args ${JSON.stringify(command)} (${where(c.args)}) are now the image's CMD, after the base image's ENTRYPOINT if it has one, as in the workload; the generated snippet does not write them: keep them in your workload or leave them out (the same argv runs)`);
    return { command, commandComment: 'The workload\'s args as the CMD: they follow the base image\'s ENTRYPOINT, if it has one, as they did in the workload.', notes };
  } else {
    if (c.command) notes.push(`manifest command ${JSON.stringify(c.command.words)} (${where(c.command)}) replaces the ENTRYPOINT and CMD at run time; the generated snippet does not write it: keep it in your workload`);
    if (c.args) notes.push(`manifest args ${JSON.stringify(c.args.words)} (${where(c.args)}) replace the CMD at run time; the generated snippet does not write them: keep them in your workload`);
  }
  const shellCmd = (image.cmd && !shellEntry && isShellForm(image.cmd)) || shellEntry;
  const commandComment = shellCmd
    ? 'Shell form as the original Dockerfile wrote it: /bin/sh expands variables and redirections, and receives the stop signal (prefix the command with exec to pass it on).'
    : undefined;
  return { entrypoint, command, commandComment, notes };
}

/** The process count of a uvicorn/fastapi command: `--workers N`, else 1 (uvicorn's default; WEB_CONCURRENCY named). */
export function workersOf(argv: readonly string[]): { workers: number; given: boolean } {
  for (let i = 0; i < argv.length; i++) {
    const m = /^--workers(?:=(\d+))?$/.exec(argv[i]);
    if (m && (m[1] ?? argv[i + 1]) !== undefined && /^\d+$/.test(m[1] ?? argv[i + 1])) return { workers: Number(m[1] ?? argv[i + 1]), given: true };
  }
  return { workers: 1, given: false };
}
