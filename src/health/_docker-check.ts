// The Docker HEALTHCHECK command renderer: the exec-form argv that runs a check with a tool or a program in the image.
import { fail } from '../_validate';
import { ResolvedCheck } from './_resolved';
import { CheckTool } from './check-tool';
import { HealthCheckKind } from './health-check-kind';

/** Quotes one word for a POSIX shell: single quotes, with `'` written as `'\''`. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_\-.,:/=@%+]+$/.test(word)) return word;
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/** The URL the Docker HEALTHCHECK requests (plain HTTP: the model refuses HTTPS). */
export function checkUrl(check: ResolvedCheck): string {
  return `http://${check.host}:${check.port}${check.path}`;
}

function pythonHttpScript(check: ResolvedCheck, timeoutSeconds: number): string {
  const headers = `{${check.headers.map(([n, v]) => `${JSON.stringify(n)}: ${JSON.stringify(v)}`).join(', ')}}`;
  return [
    'import ssl, sys, urllib.request',
    `req = urllib.request.Request(${JSON.stringify(checkUrl(check))}, headers=${headers})`,
    'try:',
    `    res = urllib.request.urlopen(req, timeout=${timeoutSeconds}, context=ssl._create_unverified_context())`,
    '    sys.exit(0 if 200 <= res.status < 400 else 1)',
    'except Exception:',
    '    sys.exit(1)',
  ].join('\n');
}

function pythonTcpScript(check: ResolvedCheck, timeoutSeconds: number): string {
  return [
    'import socket, sys',
    'try:',
    `    socket.create_connection((${JSON.stringify(check.host)}, ${check.port}), timeout=${timeoutSeconds}).close()`,
    'except Exception:',
    '    sys.exit(1)',
  ].join('\n');
}

function nodeHttpScript(check: ResolvedCheck, timeoutSeconds: number): string {
  const headers = `{${check.headers.map(([n, v]) => `${JSON.stringify(n)}: ${JSON.stringify(v)}`).join(', ')}}`;
  return [
    `fetch(${JSON.stringify(checkUrl(check))}, { headers: ${headers}, redirect: 'manual', signal: AbortSignal.timeout(${timeoutSeconds * 1000}) })`,
    '.then((r) => process.exit(r.status >= 200 && r.status < 400 ? 0 : 1), () => process.exit(1));',
  ].join('');
}

function nodeTcpScript(check: ResolvedCheck, timeoutSeconds: number): string {
  return [
    `const s = require('net').connect(${check.port}, ${JSON.stringify(check.host)});`,
    `s.setTimeout(${timeoutSeconds * 1000}, () => process.exit(1));`,
    "s.on('connect', () => process.exit(0)).on('error', () => process.exit(1));",
  ].join(' ');
}

/** Where and how the check runs: what the final stage offers. */
export interface CheckEnvironment {
  /** The final stage has `/bin/sh`. */
  readonly shell: boolean;
  /** The path the tool runs as (e.g. `/nodejs/bin/node` in distroless); default: its name on PATH. */
  readonly program?: string;
}

/**
 * The exec-form argv of Docker's `HEALTHCHECK CMD` for `check` run with `tool`.
 * Every form exits 0 (healthy) or 1 (unhealthy); Docker reserves 2.
 * @param path field path of the check tool, for errors
 */
export function dockerCheckCommand(
  path: string,
  check: ResolvedCheck,
  tool: CheckTool,
  timeoutSeconds: number,
  env: CheckEnvironment = { shell: true },
): string[] {
  if (check.kind === HealthCheckKind.EXEC) return [...check.command];
  const program = env.program ?? tool;
  if (tool === CheckTool.GRPC_HEALTH_PROBE) {
    if (check.kind !== HealthCheckKind.GRPC) fail(path, `a tool that can run a ${check.kind} check (GRPC_HEALTH_PROBE runs gRPC checks only)`, tool);
    const words = [program, `-addr=${check.host}:${check.port}`, `-connect-timeout=${timeoutSeconds}s`, `-rpc-timeout=${timeoutSeconds}s`];
    if (check.service) words.push(`-service=${check.service}`);
    return env.shell ? ['/bin/sh', '-c', `${words.map(shellQuote).join(' ')} || exit 1`] : words;
  }
  if (check.kind === HealthCheckKind.GRPC) {
    fail(path, 'a tool that can run a grpc check (CheckTool.GRPC_HEALTH_PROBE)', tool);
  }
  if (tool === CheckTool.PYTHON) {
    const script = check.kind === HealthCheckKind.HTTP_GET ? pythonHttpScript(check, timeoutSeconds) : pythonTcpScript(check, timeoutSeconds);
    return [program, '-c', script];
  }
  if (tool === CheckTool.NODE) {
    const script = check.kind === HealthCheckKind.HTTP_GET ? nodeHttpScript(check, timeoutSeconds) : nodeTcpScript(check, timeoutSeconds);
    return [program, '-e', script];
  }
  if (!env.shell) fail(path, 'a tool that runs without a shell in this image (CheckTool.PYTHON or CheckTool.NODE, or checkBinary)', tool);
  if (check.kind !== HealthCheckKind.HTTP_GET) {
    fail(path, `a tool that can run a ${check.kind} check (CheckTool.PYTHON or CheckTool.NODE, or use an exec check)`, tool);
  }
  let words: string[];
  if (tool === CheckTool.CURL) {
    words = [program, '-fsS', '-o', '/dev/null', '--max-time', String(timeoutSeconds)];
    for (const [n, v] of check.headers) words.push('-H', `${n}: ${v}`);
  } else if (tool === CheckTool.WGET) {
    words = [program, '-q', '-O', '/dev/null', '-T', String(timeoutSeconds)];
    for (const [n, v] of check.headers) words.push('--header', `${n}: ${v}`);
  } else {
    fail(path, 'a CheckTool', tool);
  }
  words.push(checkUrl(check));
  return ['/bin/sh', '-c', `${words.map(shellQuote).join(' ')} || exit 1`];
}

/**
 * The argv of a health-check program the image carries (`checkBinary`): the URL (HTTP) or
 * `host:port` (TCP, gRPC) first, the timeout in whole seconds second, then each HTTP header as `Name: value`.
 */
export function binaryCheckCommand(binary: string, check: ResolvedCheck, timeoutSeconds: number): string[] {
  if (check.kind === HealthCheckKind.EXEC) return [...check.command];
  const target = check.kind === HealthCheckKind.HTTP_GET ? checkUrl(check) : `${check.host}:${check.port}`;
  return [binary, target, String(timeoutSeconds), ...check.headers.map(([n, v]) => `${n}: ${v}`)];
}
