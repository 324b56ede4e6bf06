/** The kubelet e2e's runtime: containerd and a standalone kubelet on private sockets and folders, ctr, pod status. */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import * as YAML from 'yaml';

export const CACHE = process.env.KUBELET_CACHE ?? '/var/cache/projen-containers-kubelet';
/** Sockets and containerd's state (a short path: unix socket paths are limited to 108 bytes). */
export const RUN = '/run/pc-kubelet-e2e';
/** Logs, manifests, the kubelet's root folder. */
export const WORK = process.env.KUBELET_WORK ?? '/tmp/projen-containers-kubelet';
export const LOGS = path.join(WORK, 'logs');
export const CONTAINERD_LOG = path.join(LOGS, 'containerd.log');
export const KUBELET_LOG = path.join(LOGS, 'kubelet.log');
export const MANIFESTS = path.join(WORK, 'manifests');
export const SOCK = path.join(RUN, 'containerd.sock');
export const NODE = 'pc-kubelet-e2e';
const PORTS = { kubelet: 10350, readOnly: 10355, healthz: 10356, unusedApi: 10357 };
/**
 * The node IP, on the loopback device of the private network namespace run.sh starts this test in (RFC 5737
 * documentation address: it leads nowhere). Kubelet 1.34 refuses a loopback node IP ("nodeIP can't be loopback
 * address"); without a node IP a hostNetwork pod has no pod IP, its probes go to http://:PORT/ with the header
 * `Host: :PORT` (nginx answers 400), and the kubelet does not manage its /etc/hosts (no hostAliases).
 */
export const NODE_IP = '192.0.2.1';
export const PAUSE_IMAGE = 'projen-containers-e2e/pause:3.10';
/** The cluster DNS address the kubelet writes into ClusterFirst pods' resolv.conf: the test's DNS stub (kubelet.ts). */
export const CLUSTER_DNS = '127.0.0.1';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Processes this run started: stopped by pid at the end, also on failure. */
const started: Array<{ name: string; child: ChildProcess }> = [];

export function bin(name: string): string {
  return path.join(CACHE, 'bin', name);
}

export function run(cmd: string, args: string[], opts: { input?: Buffer | string; allowFail?: boolean; timeoutMs?: number } = {}) {
  const r = spawnSync(cmd, args, { input: opts.input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: opts.timeoutMs ?? 120_000 });
  if ((r.status !== 0 || r.error) && !opts.allowFail) {
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr || r.stdout || String(r.error ?? '')).trim().split('\n').slice(-5).join(' | ')}`);
  }
  return { status: r.status, stdout: (r.stdout ?? '').trim(), stderr: (r.stderr ?? '').trim() };
}

/** ctr of the system's containerd package, on this run's socket, in the CRI namespace. */
export function ctr(args: string[], opts: { input?: Buffer; allowFail?: boolean } = {}) {
  return run('ctr', ['--address', SOCK, '--namespace', 'k8s.io', ...args], { input: opts.input, allowFail: opts.allowFail, timeoutMs: 600_000 });
}

/** The host pid of a running container's PID 1 (`ctr tasks ls`), by CRI container id. */
export function taskPid(containerId: string): number {
  for (const line of ctr(['tasks', 'ls']).stdout.split('\n').slice(1)) {
    const [id, pid, state] = line.trim().split(/\s+/);
    if (id === containerId && state === 'RUNNING') return Number(pid);
  }
  throw new Error(`no running task for container ${containerId.slice(0, 12)}`);
}

/** When a process started, epoch ms (10 ms resolution): /proc/<pid>/stat starttime after /proc/stat btime. */
export function processStart(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  const btime = Number(/^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))![1]);
  return btime * 1000 + (ticks * 1000) / 100;
}

/** Containers (sandboxes and app containers) of a pod, or of every pod, by the CRI labels. */
export function podContainers(name?: string): string[] {
  const filter = name ? [`labels."io.kubernetes.pod.name"==${name}-${NODE}`] : [];
  const r = ctr(['containers', 'ls', '-q', ...filter], { allowFail: true });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

/** SIGKILLs the tasks of these containers and deletes them (the last resort when the kubelet does not remove a pod). */
export function killContainers(ids: string[]): void {
  for (const id of ids) {
    ctr(['tasks', 'kill', '-s', 'SIGKILL', id], { allowFail: true });
    ctr(['tasks', 'delete', '-f', id], { allowFail: true });
    ctr(['containers', 'delete', id], { allowFail: true });
  }
}

function startProcess(name: string, cmd: string, args: string[], log: string): ChildProcess {
  const fd = fs.openSync(log, 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  child.on('error', (e) => fs.appendFileSync(log, `\n${cmd}: ${e.message}\n`));
  started.push({ name, child });
  if (child.pid !== undefined) fs.appendFileSync(path.join(WORK, 'pids'), `${child.pid} ${name}\n`);
  return child;
}

/** Waits until `ready()` is true, at most `ms`; throws with `what` (and the exit of `child`, if it died). */
export async function waitFor(what: string, ms: number, ready: () => boolean | Promise<boolean>, child?: ChildProcess): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (child && child.pid === undefined) throw new Error(`${what}: the process could not be started`);
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited with ${child.exitCode}`);
    try {
      if (await ready()) return Date.now() - t0;
    } catch {
      // not yet
    }
    await sleep(200);
  }
  throw new Error(`${what}: not within ${ms / 1000} s`);
}

export function containerdConfig(): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    'version = 2',
    `root = "${CACHE}/containerd"`,
    `state = "${RUN}/containerd"`,
    'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]',
    '[grpc]',
    `  address = "${SOCK}"`,
    '[ttrpc]',
    `  address = "${SOCK}.ttrpc"`,
    '[debug]',
    '  address = ""',
    '[metrics]',
    '  address = ""',
    `[${cri}]`,
    `  sandbox_image = "docker.io/${PAUSE_IMAGE}"`,
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    // These machines lack CAP_SYS_RESOURCE: without it every sandbox fails ("can't get final child's PID from pipe").
    '  restrict_oom_score_adj = true',
    `[${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[${cri}.containerd.runtimes.runc.options]`,
    // PID 1 of these machines is not systemd.
    '  SystemdCgroup = false',
    `[${cri}.cni]`,
    `  bin_dir = "${WORK}/cni/bin"`,
    `  conf_dir = "${WORK}/cni/net.d"`,
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = "${CACHE}/opt"`,
    '',
  ].join('\n');
}

export function kubeletConfig(): string {
  return YAML.stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: '127.0.0.1',
    port: PORTS.kubelet,
    readOnlyPort: PORTS.readOnly,
    healthzBindAddress: '127.0.0.1',
    healthzPort: PORTS.healthz,
    staticPodPath: MANIFESTS,
    // The cluster DNS of pods with dnsPolicy ClusterFirstWithHostNet (the frontend's): the test's DNS stub on this
    // network namespace's loopback, with the cluster's usual domain, as a cluster's kube-dns / CoreDNS Service.
    clusterDNS: [CLUSTER_DNS],
    clusterDomain: 'cluster.local',
    fileCheckFrequency: '1s',
    containerRuntimeEndpoint: `unix://${SOCK}`,
    cgroupDriver: 'cgroupfs',
    failSwapOn: false,
    // These machines mount cgroup v1 (kubelet >= 1.35 refuses it unless this is false).
    failCgroupV1: false,
    enforceNodeAllocatable: [],
    evictionHard: {},
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    // The kubelet counts restarts on from the newest <n>.log it finds in a pod's log folder (the pod UID is a hash
    // of the manifest, equal from run to run): the logs live in WORK, emptied at every start.
    podLogsDir: path.join(WORK, 'pod-logs'),
    authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
    authorization: { mode: 'AlwaysAllow' },
  });
}

/** A kubeconfig to an API address where nothing listens: the kubelet keeps retrying, and gives hostNetwork pods the node IP. */
function kubeconfig(): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'none', cluster: { 'server': `https://127.0.0.1:${PORTS.unusedApi}`, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'none', user: {} }],
    contexts: [{ name: 'none', context: { cluster: 'none', user: 'none' } }],
    ['current-context']: 'none',
  });
}

export function prepareFolders(): void {
  for (const d of [RUN, WORK]) {
    unmountUnder(d);
    fs.rmSync(d, { recursive: true, force: true });
  }
  // Pod logs of earlier versions of this test, written to the kubelet's default folder (named after this node).
  const defaultLogs = '/var/log/pods';
  if (fs.existsSync(defaultLogs)) {
    for (const d of fs.readdirSync(defaultLogs).filter((x) => x.includes(`-${NODE}_`))) fs.rmSync(path.join(defaultLogs, d), { recursive: true, force: true });
  }
  for (const d of [RUN, LOGS, MANIFESTS, path.join(WORK, 'cni', 'bin'), path.join(WORK, 'cni', 'net.d'), path.join(CACHE, 'containerd')]) {
    fs.mkdirSync(d, { recursive: true });
  }
}

export async function startContainerd(): Promise<number> {
  const conf = path.join(WORK, 'containerd.toml');
  fs.writeFileSync(conf, containerdConfig());
  const child = startProcess('containerd', 'containerd', ['--config', conf, '--log-level', 'info'], CONTAINERD_LOG);
  return waitFor(`containerd on ${SOCK} (log ${CONTAINERD_LOG})`, 30_000, () => ctr(['version'], { allowFail: true }).status === 0, child);
}

export async function startKubelet(): Promise<number> {
  const conf = path.join(WORK, 'kubelet-config.yaml');
  const kc = path.join(WORK, 'kubeconfig');
  fs.writeFileSync(conf, kubeletConfig());
  fs.writeFileSync(kc, kubeconfig());
  const child = startProcess('kubelet', bin('kubelet'), [
    `--config=${conf}`,
    `--kubeconfig=${kc}`,
    `--root-dir=${path.join(WORK, 'kubelet-root')}`,
    `--cert-dir=${path.join(WORK, 'pki')}`,
    `--volume-plugin-dir=${path.join(WORK, 'volume-plugins')}`,
    `--hostname-override=${NODE}`,
    `--node-ip=${NODE_IP}`,
    '--v=2',
  ], KUBELET_LOG);
  return waitFor(`kubelet healthz on 127.0.0.1:${PORTS.healthz} (log ${KUBELET_LOG})`, 90_000, async () => (await get(PORTS.healthz, '/healthz')).status === 200, child);
}

export function kubeletAlive(): boolean {
  return started.some((s) => s.name === 'kubelet' && s.child.exitCode === null);
}

/** GET http://127.0.0.1:<port><path>, `timeoutMs` (default 2 s). */
export function get(port: number, urlPath: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** The kubelet's own view of every pod (read-only port /pods), keyed by the manifest's pod name. */
export async function pods(): Promise<Map<string, any>> {
  const r = await get(PORTS.readOnly, '/pods');
  if (r.status !== 200) throw new Error(`kubelet /pods answered ${r.status}`);
  const out = new Map<string, any>();
  for (const p of JSON.parse(r.body).items ?? []) out.set(String(p.metadata.name).replace(new RegExp(`-${NODE}$`), ''), p);
  return out;
}

/** Stops every pod sandbox, then containerd and the kubelet by their pids; unmounts what they left. Synchronous. */
export function stopAll(): string[] {
  const notes: string[] = [];
  for (const s of [...started].reverse()) {
    // The kubelet first, then every container of this run's pods, then containerd.
    if (s.name === 'containerd' && s.child.exitCode === null) {
      const left = podContainers();
      killContainers(left);
      if (left.length) notes.push(`${left.length} containers of the pods stopped and deleted`);
    }
    if (s.child.exitCode !== null || s.child.pid === undefined) continue;
    try {
      process.kill(s.child.pid, 'SIGTERM');
    } catch {
      continue;
    }
    const t0 = Date.now();
    while (Date.now() - t0 < 10_000 && alive(s.child.pid)) spawnSync('sleep', ['0.2']);
    if (alive(s.child.pid)) {
      process.kill(s.child.pid, 'SIGKILL');
      notes.push(`${s.name} (pid ${s.child.pid}) killed after 10 s`);
    }
  }
  // Shims of this containerd (they outlive it when a task is left): found by this run's socket in their command line.
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('containerd-shim') && cmd.includes(SOCK)) {
        process.kill(Number(pid), 'SIGKILL');
        notes.push(`shim ${pid} killed`);
      }
    } catch {
      // gone
    }
  }
  unmountUnder(RUN);
  unmountUnder(WORK);
  unmountUnder(path.join(CACHE, 'containerd'));
  return notes;
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

function unmountUnder(dir: string): void {
  let mounts: string[] = [];
  try {
    mounts = fs.readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter(Boolean);
  } catch {
    return;
  }
  for (const m of mounts.filter((x) => x === dir || x.startsWith(dir + '/')).sort().reverse()) {
    spawnSync('umount', ['-l', m]);
  }
}

/** Times in the kubelet log (klog: `I1202 11:30:00.123456 ...`, local time) of lines matching `re`, as epoch ms. */
export function kubeletLogTimes(re: RegExp): number[] {
  const text = fs.existsSync(KUBELET_LOG) ? fs.readFileSync(KUBELET_LOG, 'utf8') : '';
  const year = new Date().getFullYear();
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const m = /^[IWE](\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d+)/.exec(line);
    if (!m || !re.test(line)) continue;
    out.push(new Date(year, Number(m[1]) - 1, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6].slice(0, 3))).getTime());
  }
  return out;
}
