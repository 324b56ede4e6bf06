// The Docker engine and probe helpers the engine tests share (e2e.ts, adoption.ts): docker commands, GET from a container's network namespace.
import { spawnSync } from 'child_process';
import * as fs from 'fs';

/** docker run, inspect, rm ...: the client on PATH, the classic builder named (NOTES.md "Builder"). */
export const env = { ...process.env, DOCKER_BUILDKIT: '0' };
/**
 * Builds use BuildKit, which the generated Dockerfiles need by default (RUN --mount, docs/performance.md):
 * Debian's docker client (20.10, /usr/bin/docker) has it built in with DOCKER_BUILDKIT=1; the newer client
 * in /usr/local/bin would need a buildx plugin. The engine's built-in Dockerfile frontend is used (no
 * `# syntax=` line, so nothing is pulled); base images resolve from the local stand-ins.
 */
const buildDocker = fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const buildEnv = { ...process.env, DOCKER_BUILDKIT: '1' };

/** Runs `docker <args>` (a build through BuildKit); returns stdout, trimmed; throws with the last lines of output on a non-zero exit. */
export function docker(args: string[], opts: { allowFail?: boolean; input?: string } = {}): string {
  const build = args[0] === 'build';
  const r = spawnSync(build ? buildDocker : 'docker', args, { env: build ? buildEnv : env, encoding: 'utf8', input: opts.input, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`docker ${args.join(' ')} exited ${r.status}:\n${(r.stderr || r.stdout || '').split('\n').slice(-30).join('\n')}`);
  }
  return (r.stdout ?? '').trim();
}

/** GET url from a host process (node) entered into the network namespace of process `pid` only; the HTTP status. */
export function fetchFromNetns(pid: string, url: string, headers: Record<string, string>, timeoutMs: number): number {
  const script = `fetch(${JSON.stringify(url)}, { headers: ${JSON.stringify(headers)}, redirect: 'manual', signal: AbortSignal.timeout(${timeoutMs}) })` +
    '.then((r) => console.log(r.status), (e) => { console.log(String(e)); process.exit(1); })';
  const r = spawnSync('nsenter', ['--target', pid, '--net', process.execPath, '-e', script], { encoding: 'utf8' });
  const code = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isInteger(code)) throw new Error(`nsenter exited ${r.status}: ${r.stdout}${r.stderr}`);
  return code;
}

/** GET url from a host process entered into the network namespace of `pid`: status, body and Cache-Control. */
export function fetchTextFromNetns(pid: string, url: string, timeoutMs = 5000): { status: number; body: string; cacheControl: string | null } {
  const script = `fetch(${JSON.stringify(url)}, { redirect: 'manual', signal: AbortSignal.timeout(${timeoutMs}) })` +
    '.then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.text(), cacheControl: r.headers.get("cache-control") })), (e) => { console.log(String(e)); process.exit(1); })';
  const r = spawnSync('nsenter', ['--target', pid, '--net', process.execPath, '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nsenter exited ${r.status}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
