import { fail } from '../_validate';
import { ResolvedCheck } from './_resolved';
import { CheckTool } from './check-tool';
import { HealthCheckKind } from './health-check-kind';
import { HttpScheme } from './http-scheme';

/** Quotes one word for a POSIX shell: single quotes, with `'` written as `'\''`. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_\-.,:/=@%+]+$/.test(word)) return word;
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/** The URL the Docker HEALTHCHECK requests. */
export function checkUrl(check: ResolvedCheck): string {
  const scheme = check.scheme === HttpScheme.HTTPS ? 'https' : 'http';
  return `${scheme}://${check.host}:${check.port}${check.path}`;
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

/**
 * The exec-form argv of Docker's `HEALTHCHECK CMD` for `check` run with `tool`.
 * Every form exits 0 (healthy) or 1 (unhealthy); Docker reserves 2.
 * @param path field path of the check tool, for errors
 */
export function dockerCheckCommand(path: string, check: ResolvedCheck, tool: CheckTool, timeoutSeconds: number): string[] {
  if (check.kind === HealthCheckKind.EXEC) return [...check.command];
  if (tool === CheckTool.PYTHON) {
    const script = check.kind === HealthCheckKind.HTTP_GET ? pythonHttpScript(check, timeoutSeconds) : pythonTcpScript(check, timeoutSeconds);
    return ['python3', '-c', script];
  }
  if (check.kind !== HealthCheckKind.HTTP_GET) {
    fail(path, `a tool that can run a ${check.kind} check (CheckTool.PYTHON, or use an exec check)`, tool);
  }
  const https = check.scheme === HttpScheme.HTTPS;
  let words: string[];
  if (tool === CheckTool.CURL) {
    words = ['curl', '-fsS', '-o', '/dev/null', '--max-time', String(timeoutSeconds)];
    if (https) words.push('--insecure');
    for (const [n, v] of check.headers) words.push('-H', `${n}: ${v}`);
  } else if (tool === CheckTool.WGET) {
    words = ['wget', '-q', '-O', '/dev/null', '-T', String(timeoutSeconds)];
    if (https) words.push('--no-check-certificate');
    for (const [n, v] of check.headers) words.push('--header', `${n}: ${v}`);
  } else {
    fail(path, 'a CheckTool', tool);
  }
  words.push(checkUrl(check));
  return ['/bin/sh', '-c', `${words.map(shellQuote).join(' ')} || exit 1`];
}
