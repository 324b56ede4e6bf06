import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

let nginxBin: string | undefined;
let busyboxBin: string | undefined;

/** The nginx binary of tools/nginx.sh (the system's, or Debian's unpacked into a cache) and its /etc/nginx. */
function nginx(): { bin: string; etc: string } {
  nginxBin ??= execFileSync('bash', [path.join(__dirname, '..', 'tools', 'nginx.sh')], { encoding: 'utf8' }).trim();
  // <root>/usr/sbin/nginx -> <root>/etc/nginx: the system's /etc/nginx, or the unpacked one in the cache, wherever
  // NGINX_CACHE puts it (a cache outside /var/cache was given the system's /etc/nginx, absent on a fresh machine).
  const etc = path.join(nginxBin, '..', '..', '..', 'etc', 'nginx');
  return { bin: nginxBin, etc };
}

/** BusyBox (Alpine's /bin/sh is BusyBox ash) from tools/busybox.sh: the path of the busybox binary. */
export function busybox(): string {
  busyboxBin ??= execFileSync('bash', [path.join(__dirname, '..', 'tools', 'busybox.sh')], { encoding: 'utf8' }).trim().split('\n').pop()!;
  return busyboxBin;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A folder for one nginx run: nginx.conf (its `include /etc/nginx/...` pointed at the nginx's own files), `tmp/`
 * (mounted on /tmp: the conf's pid, temp folders and resolver file), `resolv.conf` (mounted on /etc/resolv.conf) and,
 * in `tmp/.bin/nginx`, a wrapper that runs the real nginx on this nginx.conf with `extra` arguments: the container's
 * CMD finds it as `nginx` on its PATH. Paths inside are relative to the folder (the current one): once tmp/ is
 * mounted on /tmp, the folder's own path (in the run's temp folder, under /tmp) no longer leads to it.
 */
function prepare(conf: string, resolvConf: string, extra: string[]): string {
  const { bin, etc } = nginx();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-nginx-'));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf.replace(/include \/etc\/nginx\//g, `include ${etc}/`));
  fs.writeFileSync(path.join(dir, 'resolv.conf'), resolvConf);
  fs.mkdirSync(path.join(dir, 'tmp', '.bin'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'tmp', '.bin', 'nginx'), `#!/bin/sh\nexec "${bin}" ${extra.join(' ')} -p ./ -c nginx.conf "$@"\n`, { mode: 0o755 });
  return dir;
}

/**
 * The shell that runs `argv` in a private mount namespace: /etc/resolv.conf and /tmp replaced by the folder's, the
 * wrapper first on PATH; `exec` all the way, so the process is (in the end) nginx itself.
 */
const RUNNER = 'mount --bind resolv.conf /etc/resolv.conf && mount --bind tmp /tmp && PATH=/tmp/.bin:$PATH && export PATH && exec "$@"';

/**
 * Runs the real `nginx -t` on a generated nginx.conf (nginx from tools/nginx.sh), in a private mount namespace whose
 * /tmp is a folder of the test's own (nginx -t creates the conf's temp folders there). With `command` (a container's
 * CMD, e.g. the frontend's start script when it has proxies), that command runs and its `nginx` is `nginx -t`, so
 * whatever it writes first (the resolver file) is there for the test; /etc/resolv.conf is then `resolvConf`.
 * @returns nginx's exit status and output
 */
export function nginxTest(conf: string, command: readonly string[] = ['nginx'], resolvConf = 'nameserver 127.0.0.1\n'): { status: number; output: string } {
  const dir = prepare(conf, resolvConf, ['-t']);
  // Output to a file: nginx opens /dev/stdout (access_log), which a socket (Node's stdio) cannot be opened as.
  const r = spawnSync('unshare', ['--mount', 'sh', '-c', `${RUNNER} >out 2>&1`, 'sh', ...command], { cwd: dir, encoding: 'utf8' });
  const out = fs.readFileSync(path.join(dir, 'out'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status ?? -1, output: `${out}${r.stderr}`.replace(new RegExp(escapeRe(dir), 'g'), '<dir>') };
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** An nginx started by a container's CMD: stop it with `stop()`. */
export interface RunningNginx {
  readonly pid: number;
  /** What nginx and the command wrote (stdout and stderr). */
  log(): string;
  /** The resolver file the command wrote, or undefined. */
  resolverFile(): string | undefined;
  /** Sends `signal` (default SIGQUIT, the image's STOPSIGNAL) and waits for the exit; returns the exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<string>;
}

/**
 * Starts a container's CMD as the container would (nginx on loopback, PID of the returned process is nginx's after
 * the script's `exec`), in a private mount namespace with /etc/resolv.conf = `resolvConf` and /tmp a folder of its own;
 * `env` is the whole environment besides PATH. Resolves once `port` accepts connections.
 * @throws when the process exits first, with its output
 */
export async function startNginx(opts: {
  conf: string;
  command: readonly string[];
  port: number;
  resolvConf: string;
  env?: Record<string, string>;
}): Promise<RunningNginx> {
  const dir = prepare(opts.conf, opts.resolvConf, []);
  const outFile = path.join(dir, 'out');
  const fd = fs.openSync(outFile, 'w');
  const child: ChildProcess = spawn('unshare', ['--mount', 'sh', '-c', RUNNER, 'sh', ...opts.command], {
    cwd: dir,
    stdio: ['ignore', fd, fd],
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...opts.env },
  });
  fs.closeSync(fd);
  const exited = new Promise<string>((resolve) => child.once('exit', (code, sig) => resolve(sig ?? `exit ${code}`)));
  let done = false;
  void exited.then(() => (done = true));
  let kept: string | undefined;
  const log = () => kept ?? fs.readFileSync(outFile, 'utf8');
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  const t0 = Date.now();
  while (!(await connects(opts.port))) {
    if (done || Date.now() - t0 > 10_000) {
      const text = log();
      if (!done) child.kill('SIGKILL');
      await exited;
      cleanup();
      throw new Error(`nginx did not listen on ${opts.port} (${done ? 'it exited' : 'timeout'}):\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid: child.pid!,
    log,
    resolverFile: () => {
      const f = path.join(dir, 'tmp', 'nginx-resolver.conf');
      return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined;
    },
    stop: async (signal: NodeJS.Signals = 'SIGQUIT') => {
      if (!done) child.kill(signal);
      const timer = setTimeout(() => !done && child.kill('SIGKILL'), 10_000);
      const how = await exited;
      clearTimeout(timer);
      kept = log();
      cleanup();
      return how;
    },
  };
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Runs a container's start command up to its `exec nginx` (there `nginx` prints the resolver file the command
 * wrote, instead of starting) in a private mount namespace with /etc/resolv.conf = `resolvConf` and /tmp of its
 * own; `shell` replaces the command's /bin/sh (e.g. `[busybox(), 'sh']`). `env` is the environment besides PATH.
 * @returns the exit status and what was printed: the resolver file, or the error
 */
export function runStartScript(
  command: readonly string[],
  resolvConf: string,
  env: Record<string, string> = {},
  shell: string[] = [],
): { status: number; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-start-'));
  fs.writeFileSync(path.join(dir, 'resolv.conf'), resolvConf);
  fs.mkdirSync(path.join(dir, 'tmp', '.bin'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'tmp', '.bin', 'nginx'), '#!/bin/sh\necho "nginx $*"\ncat /tmp/nginx-resolver.conf\n', { mode: 0o755 });
  const argv = shell.length > 0 && command[0] === '/bin/sh' ? [...shell, ...command.slice(1)] : [...command];
  const r = spawnSync('unshare', ['--mount', 'sh', '-c', RUNNER, 'sh', ...argv], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/** A request as an upstream saw it. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
}

/**
 * A loopback upstream (node http on 127.0.0.1, a free port) that records every request (method, path with query,
 * body, headers) and answers 201 to a POST, else 200, with `{"upstream": <name>}`; `delayMs` holds each answer back.
 * A WebSocket upgrade is recorded and answered with 101, then every byte is echoed.
 */
export async function upstream(name: string, port = 0, delayMs = 0): Promise<{ port: number; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body, headers: req.headers });
      setTimeout(() => {
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ upstream: name }));
      }, delayMs);
    });
  });
  server.on('connection', (c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  server.on('upgrade', (req, socket: net.Socket) => {
    seen.push({ method: req.method!, url: req.url!, body: '', headers: req.headers });
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  // Not a reason for the test process to stay: a test whose nginx fails to start before its try/finally closes this
  // upstream would otherwise keep jest from exiting (it waited forever when nginx -t could not read mime.types).
  server.unref();
  return {
    port: (server.address() as net.AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => {
      for (const c of sockets) c.destroy();
      server.close(() => resolve());
    }),
  };
}

/** What nginx answered: status, Location header and body. */
export type Answer = { status: number; location?: string; body: string };

/** A request to nginx on 127.0.0.1:port; no redirect followed, no connection kept. */
export function request(
  port: number,
  method: string,
  urlPath: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent: false, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, location: res.headers.location, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
