import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

let nginxBin: string | undefined;

/**
 * Runs the real `nginx -t` on a generated nginx.conf: nginx from tools/nginx.sh (the system's, or Debian's
 * unpacked into a cache), in a private mount namespace whose /etc/hosts maps `hosts` to 127.0.0.1 (nginx resolves
 * proxy upstream names when it reads the configuration) and whose /tmp is a folder of the test's own (nginx -t
 * creates the conf's pid file and temp folders, /tmp/nginx.pid and /tmp/*_temp). `include /etc/nginx/...` is
 * pointed at the nginx's own files.
 * @returns nginx's exit status and output
 */
export function nginxTest(conf: string, hosts: string[] = []): { status: number; output: string } {
  nginxBin ??= execFileSync('bash', [path.join(__dirname, '..', 'tools', 'nginx.sh')], { encoding: 'utf8' }).trim();
  const etc = nginxBin.startsWith('/var/cache/') ? path.join(nginxBin, '..', '..', '..', 'etc', 'nginx') : '/etc/nginx';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-nginx-'));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf.replace(/include \/etc\/nginx\//g, `include ${etc}/`));
  fs.writeFileSync(path.join(dir, 'hosts'), ['127.0.0.1 localhost', ...hosts.map((h) => `127.0.0.1 ${h}`)].join('\n') + '\n');
  fs.mkdirSync(path.join(dir, 'tmp'));
  // Output to a file: nginx opens /dev/stdout (access_log), which a socket (Node's stdio) cannot be opened as.
  // Paths relative to the folder (the current one): once dir/tmp is mounted on /tmp, dir's own path (in the run's
  // temp folder, under /tmp) no longer leads to it.
  const script = `cd "${dir}" && mount --bind hosts /etc/hosts && mount --bind tmp /tmp && exec "${nginxBin}" -t -e stderr -p ./ -c nginx.conf >out 2>&1`;
  const r = spawnSync('unshare', ['--mount', 'sh', '-c', script], { encoding: 'utf8' });
  const out = fs.readFileSync(path.join(dir, 'out'), 'utf8');
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status ?? -1, output: `${out}${r.stderr}`.replace(new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), '<dir>') };
}
