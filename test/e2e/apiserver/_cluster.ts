/** The e2e:apiserver's control plane: etcd, kube-apiserver and kube-controller-manager on loopback, in one work folder. */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import * as YAML from 'yaml';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (the kernel's choice; closed again before the server binds it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Run {
  const r = spawnSync(cmd, args, {
    input: opts.input, env: opts.env ?? process.env, cwd: opts.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: opts.timeoutMs ?? 300_000,
  });
  return { status: r.error ? null : r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** The last lines of a command's output, for an error message. */
export const tail = (r: Run, n = 6) => (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-n).join(' | ');

export interface Binaries {
  /** tools/kubernetes.sh's bin folder (kube-apiserver, kube-controller-manager, kubectl). */
  readonly kubernetes: string;
  /** tools/etcd-helm.sh's bin folder (etcd, helm, helm3). */
  readonly etcdHelm: string;
}

/**
 * etcd, kube-apiserver (a self-signed serving certificate in <work>/pki, one static token in group system:masters,
 * RBAC, Pod Security admission as built in) and kube-controller-manager (the Deployment, ReplicaSet and
 * ServiceAccount controllers: ReplicaSets create Pods, each namespace gets its `default` ServiceAccount), every one
 * bound to 127.0.0.1 on ports the kernel picked, its state and log under `work`. No scheduler and no node: Pods are
 * admitted (or refused) and stay Pending. Each process is stopped by its pid (`stop`), and its pid is written to
 * <work>/pids for run.sh's trap should this process die first.
 */
export class Cluster {
  readonly kubeconfig: string;
  readonly logs: string;
  private readonly children: Array<{ name: string; child: ChildProcess }> = [];

  constructor(readonly work: string, readonly bins: Binaries) {
    this.kubeconfig = path.join(work, 'kubeconfig');
    this.logs = path.join(work, 'logs');
    fs.mkdirSync(this.logs, { recursive: true });
  }

  bin(name: 'kube-apiserver' | 'kube-controller-manager' | 'kubectl' | 'etcd' | 'helm' | 'helm3'): string {
    return path.join(name.startsWith('kube') ? this.bins.kubernetes : this.bins.etcdHelm, name);
  }

  log(name: string): string {
    return path.join(this.logs, `${name}.log`);
  }

  /** The last lines of a component's log. */
  logTail(name: string, n = 15): string {
    try {
      return fs.readFileSync(this.log(name), 'utf8').trim().split('\n').slice(-n).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private start(name: string, args: string[]): ChildProcess {
    const out = fs.openSync(this.log(name), 'a');
    const child = spawn(this.bin(name as any), args, { stdio: ['ignore', out, out], cwd: this.work });
    fs.closeSync(out);
    this.children.push({ name, child });
    fs.appendFileSync(path.join(this.work, 'pids'), `${child.pid} ${name}\n`);
    return child;
  }

  private alive(name: string): boolean {
    const c = this.children.find((x) => x.name === name);
    return Boolean(c && c.child.exitCode === null && c.child.signalCode === null);
  }

  private async until(what: string, ms: number, component: string, pred: () => Promise<boolean> | boolean): Promise<number> {
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      if (!this.alive(component)) throw new Error(`${what}: ${component} exited:\n${this.logTail(component)}`);
      if (await pred()) return Date.now() - t0;
      await sleep(500);
    }
    throw new Error(`${what}: not within ${ms / 1000} s:\n${this.logTail(component)}`);
  }

  /** Starts the three and waits until the API server is ready and the controllers act; returns what started, and how fast. */
  async up(): Promise<string> {
    const t0 = Date.now();
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const pki = path.join(this.work, 'pki');
    fs.mkdirSync(pki, { recursive: true });
    // The service account signing key (projected tokens of the Pods' service accounts).
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(path.join(pki, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    fs.writeFileSync(path.join(pki, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    const token = crypto.randomBytes(24).toString('hex');
    fs.writeFileSync(path.join(pki, 'tokens.csv'), `${token},pc-e2e-admin,pc-e2e-admin,"system:masters"\n`, { mode: 0o600 });

    this.start('etcd', [
      '--name', 'pc-e2e', '--data-dir', path.join(this.work, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${etcdClient}`, '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `pc-e2e=http://127.0.0.1:${etcdPeer}`,
      // A throwaway store: no fsync (the machine's disk is shared with the other tests).
      '--unsafe-no-fsync', '--log-level', 'warn',
    ]);
    await this.until('etcd healthy', 60_000, 'etcd', () => httpOk(`http://127.0.0.1:${etcdClient}/health`));

    this.start('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      // No certificate given: the API server writes a self-signed one (and its CA) into --cert-dir.
      `--cert-dir=${pki}`,
      `--token-auth-file=${path.join(pki, 'tokens.csv')}`, '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc', `--service-account-key-file=${path.join(pki, 'sa.pub')}`,
      `--service-account-signing-key-file=${path.join(pki, 'sa.key')}`, '--service-cluster-ip-range=10.96.0.0/16',
      // The `kubernetes` Service's endpoints would name 127.0.0.1, which Endpoints refuse (loopback): none.
      '--endpoint-reconciler-type=none',
      '--enable-priority-and-fairness=false', '--profiling=false', '--v=1',
    ]);
    const ca = path.join(pki, 'apiserver.crt');
    await this.until('kube-apiserver writes its certificate', 120_000, 'kube-apiserver', () => fs.existsSync(ca));
    fs.writeFileSync(this.kubeconfig, YAML.stringify({
      'apiVersion': 'v1',
      'kind': 'Config',
      'clusters': [{ name: 'pc-e2e', cluster: { 'server': `https://127.0.0.1:${apiPort}`, 'certificate-authority': ca } }],
      'users': [{ name: 'pc-e2e-admin', user: { token } }],
      'contexts': [{ name: 'pc-e2e', context: { cluster: 'pc-e2e', user: 'pc-e2e-admin' } }],
      'current-context': 'pc-e2e',
    }), { mode: 0o600 });
    await this.until('kube-apiserver ready (/readyz)', 240_000, 'kube-apiserver', () => this.kubectl(['get', '--raw', '/readyz']).stdout.trim() === 'ok');
    const apiReady = Date.now() - t0;

    this.start('kube-controller-manager', [
      `--kubeconfig=${this.kubeconfig}`, '--bind-address=127.0.0.1', '--secure-port=0',
      '--controllers=deployment-controller,replicaset-controller,serviceaccount-controller',
      '--leader-elect=false', '--use-service-account-credentials=false', '--v=1',
    ]);
    // The ServiceAccount controller gives each namespace its `default` account: the controllers act.
    await this.until('kube-controller-manager creates default/default', 180_000, 'kube-controller-manager',
      () => this.kubectl(['get', 'serviceaccount', 'default', '-n', 'default', '-o', 'name']).status === 0);
    const version = JSON.parse(this.kubectl(['version', '-o', 'json']).stdout);
    const etcdVersion = run(this.bin('etcd'), ['--version']).stdout.split('\n')[0].replace(/^etcd Version: /, '');
    return `etcd ${etcdVersion}, kube-apiserver ${version.serverVersion.gitVersion} ready in ${(apiReady / 1000).toFixed(1)} s, ` +
      `kube-controller-manager acting after ${((Date.now() - t0) / 1000).toFixed(1)} s; 127.0.0.1:${apiPort}`;
  }

  /** The built kubectl (v1.34, in skew with the server) on this cluster. */
  kubectl(args: string[], input?: string): Run {
    return run(this.bin('kubectl'), ['--kubeconfig', this.kubeconfig, ...args], { input, timeoutMs: 180_000 });
  }

  /** kubectl that throws on a non-zero exit; returns stdout. */
  kubectlOk(args: string[], input?: string): string {
    const r = this.kubectl(args, input);
    if (r.status !== 0) throw new Error(`kubectl ${args.slice(0, 3).join(' ')} exited ${r.status}: ${tail(r)}`);
    return r.stdout;
  }

  /** Helm (`helm`: v4, `helm3`: v3) with its folders under the work folder, on this cluster. */
  helm(which: 'helm' | 'helm3', args: string[], cwd?: string): Run {
    const home = path.join(this.work, which);
    const env = {
      ...process.env,
      HOME: home,
      KUBECONFIG: this.kubeconfig,
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_DATA_HOME: path.join(home, 'data'),
    };
    return run(this.bin(which), args, { env, cwd, timeoutMs: 300_000 });
  }

  /** Stops every process by its pid (SIGTERM, then SIGKILL after 10 s), the last started first. */
  async stop(): Promise<string[]> {
    const stopped: string[] = [];
    for (const { name, child } of [...this.children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGTERM');
      const t0 = Date.now();
      while (child.exitCode === null && child.signalCode === null && Date.now() - t0 < 10_000) await sleep(100);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      stopped.push(`${name} (pid ${child.pid})`);
    }
    return stopped;
  }

  /** Synchronous last resort (process exit): SIGKILL whatever still runs. */
  killAll(): void {
    for (const { child } of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}
