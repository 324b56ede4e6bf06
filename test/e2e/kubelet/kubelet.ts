/**
 * The kubelet e2e (`npx projen e2e:kubelet`, run by test/e2e/kubelet/run.sh): the examples' generated Kubernetes
 * outputs run as static pods on a real standalone kubelet (containerd + runc, private sockets and folders, no API
 * server), measured from the kubelet's own pod status (read-only port /pods) and log, each against the bound the
 * model predicts. Steps and bound checks through the harness (test/harness/): one `ok`/`FAIL` line per step,
 * test-reports/e2e-kubelet.json, and last `e2e:kubelet: N passed, M failed`.
 *
 * Pods: the PodSpec snippet of every container the engine test builds (examples/fullstack backend and frontend,
 * examples/services api and server), as generated plus `hostNetwork: true`, `image` and `imagePullPolicy: Never`;
 * the pod template of a Deployment after `kubectl kustomize` applied the generated patch (backend, frontend).
 * Liveness and readiness faults run on a test-only variant of the same model with a shorter interval
 * (variant.ts); no generated file is edited.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import * as rt from './_runtime';
import { sameModel, synthVariant, VARIANT } from './variant';
import { DnsStub } from '../../dns-stub';
import { Suite } from '../../harness';

const root = path.resolve(__dirname, '..', '..', '..');
const suite = new Suite('e2e:kubelet');
const table: Array<{ container: string; what: string; measured: string; bound: string }> = [];
const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const report = (name: string, ok: boolean, detail: string): void => {
  suite.record(name, ok, detail);
};
const step = (name: string, fn: () => Promise<string> | string): Promise<boolean> => suite.stepAsync(name, fn);

/** The harness's bound check of a measured time (ms) against [lo, hi] seconds, also kept for the closing table. */
function within(container: string, what: string, ms: number, hiS: number, loS = 0): string {
  table.push({ container, what, measured: s1(ms), bound: loS > 0 ? `${loS}-${hiS} s` : `<= ${hiS} s` });
  return suite.within(`${container}: ${what}`, ms / 1000, loS, hiS, 's');
}

interface Target {
  readonly name: string;
  readonly image: string;
  readonly snippetFile: string;
  readonly patchFile?: string;
  /** Container fields that make the app not answer on the checked port (env PORT, or other args). */
  readonly noAnswer: Record<string, unknown>;
  readonly noAnswerHow: string;
  /** Makes readiness fail and undoes it; undefined: no readiness fault for this container. */
  readonly readinessFault?: { how: string; inject: (pid: number) => void; undo: (pid: number) => void };
}

const fullstack = path.join(root, 'examples', 'fullstack');
const services = path.join(root, 'examples', 'services');

function nsenter(pid: number, args: string[]): void {
  rt.run('nsenter', ['-t', String(pid), '-m', '--', ...args]);
}

const targets: Target[] = [
  {
    name: 'backend',
    image: 'backend-test',
    snippetFile: path.join(fullstack, 'k8s', 'backend.yaml'),
    patchFile: path.join(fullstack, 'k8s', 'patches', 'backend.yaml'),
    noAnswer: { args: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8001'] },
    noAnswerHow: 'uvicorn on port 8001',
    readinessFault: {
      how: 'drain marker /tmp/drain written (the ready path answers 503)',
      inject: (pid) => fs.writeFileSync(`/proc/${pid}/root/tmp/drain`, ''),
      undo: (pid) => fs.rmSync(`/proc/${pid}/root/tmp/drain`),
    },
  },
  {
    name: 'frontend',
    image: 'frontend-test',
    snippetFile: path.join(fullstack, 'k8s', 'frontend.yaml'),
    patchFile: path.join(fullstack, 'k8s', 'patches', 'frontend.yaml'),
    noAnswer: { args: ['sleep', '100000'] },
    noAnswerHow: 'no server (sleep)',
    readinessFault: {
      how: 'index.html hidden (an empty tmpfs over /usr/share/nginx/html, mounted in the container)',
      inject: (pid) => nsenter(pid, ['mount', '-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', '/usr/share/nginx/html']),
      undo: (pid) => nsenter(pid, ['umount', '/usr/share/nginx/html']),
    },
  },
  {
    name: 'api',
    image: 'api-test',
    snippetFile: path.join(services, 'k8s', 'api.yaml'),
    noAnswer: { env: [{ name: 'PORT', value: '3001' }] },
    noAnswerHow: 'PORT=3001',
  },
  {
    name: 'server',
    image: 'server-test',
    snippetFile: path.join(services, 'k8s', 'server.yaml'),
    noAnswer: { env: [{ name: 'PORT', value: '8081' }] },
    noAnswerHow: 'PORT=8081',
  },
];

/**
 * Pod fields a container needs beside its snippet: the frontend's nginx proxies /api/ to `backend` (the Service name),
 * resolved per request with the nameservers of its resolv.conf. A hostNetwork pod gets the cluster DNS only with
 * dnsPolicy ClusterFirstWithHostNet (plain ClusterFirst falls back to the node's resolv.conf); here the cluster DNS is
 * the test's DNS stub, which answers `backend.default.svc.cluster.local` once the backend's "Service" exists.
 */
const podExtras: Record<string, Record<string, unknown>> = {
  'frontend-test': { dnsPolicy: 'ClusterFirstWithHostNet' },
};

/**
 * Container fields beside the snippet: in a cluster the kubelet gives every container KUBERNETES_SERVICE_HOST (the API
 * server's Service, from the API); this kubelet has no API server to read it from, so the frontend gets it here (its
 * start command then appends the namespace domain to `backend`).
 */
const containerExtras: Record<string, Record<string, unknown>> = {
  'frontend-test': { env: [{ name: 'KUBERNETES_SERVICE_HOST', value: '10.96.0.1' }] },
};

/** A static pod from a PodSpec: hostNetwork, the image, imagePullPolicy Never; `extra` merged into the container. */
function staticPod(name: string, spec: any, image: string, extra: Record<string, unknown> = {}): any {
  const s = { ...structuredClone(spec), ...(podExtras[image] ?? {}) };
  s.hostNetwork = true;
  s.containers = s.containers.map((c: any, i: number) => (i === 0 ? { ...c, image, imagePullPolicy: 'Never', ...(containerExtras[image] ?? {}), ...extra } : c));
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { 'app.kubernetes.io/part-of': 'pc-kubelet-e2e' } }, spec: s };
}

interface Running {
  readonly pod: string;
  readonly containerId: string;
  readonly pid: number;
  /** When the container's process started (CRI, nanosecond precision), epoch ms. */
  readonly startedAt: number;
}

const status = async (pod: string) => (await rt.pods()).get(pod);
/** The status of the pod's first container (the app; the kubelet sorts containerStatuses by name, so not [0] with a sidecar). */
const cstatus = (p: any) => p?.status?.containerStatuses?.find((s: any) => s.name === p?.spec?.containers?.[0]?.name);

/** Waits for the kubelet's pod status to satisfy `pred`, polling every 200 ms; returns the poll time. */
async function until(pod: string, what: string, ms: number, pred: (p: any) => boolean): Promise<{ at: number; pod: any }> {
  let last: any;
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (!rt.kubeletAlive()) throw new Error(`${what}: the kubelet exited (log ${rt.KUBELET_LOG})`);
    try {
      last = await status(pod);
    } catch {
      // kubelet busy: poll again
    }
    if (last && pred(last)) return { at: Date.now(), pod: last };
    await rt.sleep(200);
  }
  const cs = cstatus(last);
  throw new Error(`${what}: not within ${ms / 1000} s (pod ${last ? `phase ${last.status?.phase}, container ${JSON.stringify(cs?.state ?? {})}, restarts ${cs?.restartCount}` : 'never appeared in the kubelet'}; log ${rt.KUBELET_LOG})`);
}

/** The running container's PID 1 on the host and when it started. */
function inspect(containerId: string): { pid: number; startedAt: number } {
  const pid = rt.taskPid(containerId);
  return { pid, startedAt: rt.processStart(pid) };
}

/** The running container of a pod now (after a restart, the new one). */
async function current(pod: string): Promise<Running> {
  const { pod: p } = await until(pod, 'running', 60_000, (x) => Boolean(cstatus(x)?.state?.running && cstatus(x)?.ready));
  const containerId = String(cstatus(p).containerID).replace(/^containerd:\/\//, '');
  return { pod, containerId, ...inspect(containerId) };
}

async function startPod(name: string, manifest: any, image: string): Promise<Running> {
  fs.writeFileSync(path.join(rt.MANIFESTS, `${name}.yaml`), YAML.stringify(manifest));
  await until(name, `pod ${name} appears in the kubelet`, 60_000, () => true);
  const { pod } = await until(name, `pod ${name} runs its container`, 60_000, (p) => {
    const cs = cstatus(p);
    const waiting = cs?.state?.waiting?.reason;
    if (waiting === 'ErrImageNeverPull' || waiting === 'InvalidImageName') throw new Error(`image ${image} is missing from containerd (${waiting})`);
    return Boolean(cs?.state?.running && cs.containerID);
  });
  const containerId = String(cstatus(pod).containerID).replace(/^containerd:\/\//, '');
  return { pod: name, containerId, ...inspect(containerId) };
}

/**
 * Removes a pod: its manifest, then its containers with ctr. A standalone kubelet whose API server never answers
 * never has all its pod sources ready, so it drops a removed static pod from its status but does not stop it
 * ("Failed to delete pod ... skipping delete because sources aren't ready yet", seen with kubelet 1.34).
 */
async function removePod(name: string): Promise<void> {
  fs.rmSync(path.join(rt.MANIFESTS, `${name}.yaml`), { force: true });
  const running = () => {
    const tasks = new Set(rt.ctr(['tasks', 'ls']).stdout.split('\n').filter((l) => /\sRUNNING\s*$/.test(l)).map((l) => l.split(/\s+/)[0]));
    return rt.podContainers(name).filter((id) => tasks.has(id));
  };
  await rt.waitFor(`the kubelet drops pod ${name}`, 15_000, async () => !(await rt.pods()).has(name)).catch((e) => console.log(`note ${name}: ${(e as Error).message}`));
  // A sync of the pod that was under way (e.g. a restart) can still create a container: kill until none is left.
  let quiet = 0;
  await rt.waitFor(`the containers of pod ${name} killed with ctr`, 30_000, async () => {
    rt.killContainers(rt.podContainers(name));
    quiet = running().length === 0 ? quiet + 1 : 0;
    if (quiet < 3) await rt.sleep(1000);
    return quiet >= 3;
  });
}

/** Every process of a container: its PID 1 and all descendants. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

function procStatus(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim().replace(/\s+/g, ' ');
  }
  return out;
}

const probesOf = (snippet: any) => snippet.containers[0];
const startupBudget = (c: any) => (c.startupProbe ? c.startupProbe.failureThreshold * c.startupProbe.periodSeconds : 0);
// The model's port (a kustomized Deployment also has the test's own `metrics` port, which nothing serves).
const portOf = (c: any) => c.ports.find((p: any) => p.name !== 'metrics').containerPort as number;

/** A pod as generated: Ready within the startup budget, the securityContext as written, the app serving. */
async function asGenerated(t: Target, label: string, pod: string, spec: any): Promise<number | undefined> {
  const c = probesOf(spec);
  let running: Running | undefined;
  let readyMs: number | undefined;
  const ok = await step(`${t.name}: ${label} started and Ready within the startup budget`, async () => {
    running = await startPod(pod, staticPod(pod, spec, t.image), t.image);
    const { at, pod: p } = await until(pod, 'Ready', 90_000, (x) => cstatus(x)?.ready === true);
    readyMs = at - running.startedAt;
    const b = startupBudget(c);
    if (p.status.podIP !== rt.NODE_IP) throw new Error(`pod IP ${p.status.podIP}, want the node IP ${rt.NODE_IP}: the probes would not go to the pod`);
    const started = `pod IP ${p.status.podIP} (the node IP)`;
    return `${within(t.name, `Ready (${label})`, readyMs, b)} after the container started; startupProbe ${c.startupProbe.failureThreshold} x ${c.startupProbe.periodSeconds} s; ${started}; restarts ${cstatus(p).restartCount}`;
  });
  if (!ok || !running) {
    await removePod(pod).catch((e) => report(`${t.name}: remove ${pod}`, false, (e as Error).message));
    return undefined;
  }
  const r = running;
  await step(`${t.name}: ${label} securityContext as written (PID 1, read-only root, emptyDir mounts)`, () => {
    const sc = c.securityContext;
    const st = procStatus(r.pid);
    const want = (id: number) => `${id} ${id} ${id} ${id}`;
    if (st.Uid !== want(sc.runAsUser) || st.Gid !== want(sc.runAsGroup)) throw new Error(`PID 1 Uid ${st.Uid}, Gid ${st.Gid}; want ${sc.runAsUser}/${sc.runAsGroup}`);
    if (st.NoNewPrivs !== '1' || !/^0+$/.test(st.CapEff) || st.Seccomp !== '2') throw new Error(`NoNewPrivs ${st.NoNewPrivs}, CapEff ${st.CapEff}, Seccomp ${st.Seccomp}`);
    const mounts = fs.readFileSync(`/proc/${r.pid}/mountinfo`, 'utf8').split('\n').map((l) => l.split(' '));
    const rootMount = mounts.filter((m) => m[4] === '/').pop();
    if (!rootMount || !rootMount[5].split(',').includes('ro')) throw new Error(`root mount not read-only: ${rootMount?.join(' ')}`);
    let rootWrite = 'written';
    try {
      fs.writeFileSync(`/proc/${r.pid}/root/.pc-kubelet-e2e`, 'x');
    } catch (e) {
      rootWrite = (e as NodeJS.ErrnoException).code ?? 'error';
    }
    if (rootWrite !== 'EROFS') throw new Error(`a write to the root gave ${rootWrite}, want EROFS`);
    const vols: string[] = [];
    for (const vm of c.volumeMounts) {
      const m = mounts.filter((x) => x[4] === vm.mountPath).pop();
      if (!m || !m[3].includes('/volumes/kubernetes.io~empty-dir/')) throw new Error(`${vm.mountPath} is not the emptyDir: ${m?.join(' ')}`);
      const f = `/proc/${r.pid}/root${vm.mountPath}/.pc-kubelet-e2e`;
      fs.writeFileSync(f, 'x');
      fs.rmSync(f);
      vols.push(`${vm.mountPath} emptyDir rw`);
    }
    return `PID 1 uid ${sc.runAsUser} gid ${sc.runAsGroup} (real, effective, saved, fs), NoNewPrivs 1, CapEff 0, Seccomp 2; root ro (write: EROFS); ${vols.join(', ')}`;
  });
  await step(`${t.name}: ${label} serves its probe paths to the host (the pod IP)`, async () => {
    const out: string[] = [];
    for (const probe of [c.livenessProbe, c.readinessProbe]) {
      // The probe's own timeout: on this loaded machine an answer can take longer than 2 s.
      const res = await rt.get(portOf(c), probe.httpGet.path, probe.timeoutSeconds * 1000);
      if (res.status !== 200) throw new Error(`GET ${probe.httpGet.path} answered ${res.status}`);
      out.push(`GET :${portOf(c)}${probe.httpGet.path} 200`);
    }
    const p = await status(pod);
    if (cstatus(p).restartCount !== 0) throw new Error(`restartCount ${cstatus(p).restartCount}`);
    return `${out.join(', ')}; restartCount 0`;
  });
  await removePod(pod);
  return readyMs;
}

/** An app that never answers on the checked port: the startupProbe restarts it after its budget, not before. */
async function noAnswer(t: Target, snippet: any): Promise<void> {
  const c = probesOf(snippet);
  const sp = c.startupProbe;
  const pod = `${t.name}-noanswer`;
  await step(`${t.name}: app that never answers (${t.noAnswerHow}) restarted by the startupProbe after its budget`, async () => {
    const r = await startPod(pod, staticPod(pod, snippet, t.image, t.noAnswer), t.image);
    const re = new RegExp(`pod="default/${pod}-${rt.NODE}".*failed startup probe, will be restarted`);
    let decided = 0;
    await rt.waitFor('the kubelet decides to restart', (startupBudget(c) + 30) * 1000, () => (decided = rt.kubeletLogTimes(re)[0] ?? 0) > 0);
    // The kubelet probes a container only once it has seen it running (its PLEG relists every 1 s), at the probe
    // worker's next period tick: the first probe comes up to one period + about 2 s after the start, not at 0 s.
    const failures = rt.kubeletLogTimes(new RegExp(`"Probe failed" probeType="Startup" pod="default/${pod}-${rt.NODE}"`)).filter((at) => at <= decided);
    const first = failures[0];
    if (!first) throw new Error(`no failed startup probe of ${pod} in ${rt.KUBELET_LOG}`);
    // The count is exact whatever the load: the restart comes on the failureThreshold-th failed probe, not before or after.
    if (failures.length !== sp.failureThreshold) {
      throw new Error(`restart decided after ${failures.length} failed startup probes; must be failureThreshold ${sp.failureThreshold}`);
    }
    // The time only bounds the spacing: (failureThreshold-1) x periodSeconds, 0.5 s early at most; a probe can log up to
    // 1 s late on 2 loaded cores (4.6 s against 4 s seen in a CI run), and an extra period would fail the count above.
    const counted = within(t.name, `restart decided on the ${sp.failureThreshold}th failed startup probe, after the first (app never answers)`, decided - first, (sp.failureThreshold - 1) * sp.periodSeconds + 1, (sp.failureThreshold - 1) * sp.periodSeconds - 0.5);
    // The probe worker starts when the kubelet's PLEG reports the container started; that report trails the CRI
    // start by one relist (1 s) or more under load (2.4 s seen here on 2 cores), so the budget is counted from it.
    // The start itself bounds from below: the restart comes no earlier than (failureThreshold-1) x periodSeconds
    // after it, since the PLEG report never precedes the start.
    const seen = rt.kubeletLogTimes(new RegExp(`"SyncLoop \\(PLEG\\): event for pod" pod="default/${pod}-${rt.NODE}".*"Type":"ContainerStarted","Data":"${r.containerId}"`))[0];
    if (!seen) throw new Error(`no PLEG ContainerStarted event of ${pod} (container ${r.containerId}) in ${rt.KUBELET_LOG}`);
    const measured = within(t.name, 'restart decided after the kubelet saw the container started (app never answers)', decided - seen, sp.failureThreshold * sp.periodSeconds + 1, (sp.failureThreshold - 1) * sp.periodSeconds);
    const { at } = await until(pod, 'restartCount 1', 60_000, (p) => cstatus(p)?.restartCount >= 1);
    return `${sp.failureThreshold} failures ${counted} after the first failed probe ((failureThreshold-1) x periodSeconds, -0.5 s to +1 s); ${measured} after the kubelet saw the container started (its PLEG event, ${s1(seen - r.startedAt)} after the CRI start; first probe ${s1(first - seen)} after the event: (failureThreshold-1) x periodSeconds to failureThreshold x periodSeconds + 1 s); ${s1(decided - r.startedAt)} after the CRI start; restartCount 1 at ${s1(at - r.startedAt)} (SIGTERM, then the grace period)`;
  });
  await removePod(pod).catch((e) => report(`${t.name}: remove ${pod}`, false, (e as Error).message));
}

/** The variant (shorter interval): readiness False then True without a restart; a hung app restarted by liveness. */
async function faults(t: Target, variant: any): Promise<void> {
  const c = probesOf(variant);
  const lp = c.livenessProbe;
  const rp = c.readinessProbe;
  const pod = `${t.name}-variant`;
  let r: Running | undefined;
  const ok = await step(`${t.name}: test variant (interval ${lp.periodSeconds} s) started and Ready`, async () => {
    r = await startPod(pod, staticPod(pod, variant, t.image), t.image);
    const { at } = await until(pod, 'Ready', 60_000, (x) => cstatus(x)?.ready === true);
    return within(t.name, 'Ready (variant)', at - r.startedAt, startupBudget(c));
  });
  if (!ok || !r) return void (await removePod(pod).catch(() => undefined));
  const run1 = r;
  const grace = lp.terminationGracePeriodSeconds ?? 30;
  if (t.readinessFault) {
    const f = t.readinessFault;
    let injectedAt = 0;
    let live = 0;
    const notReady = await step(`${t.name}: readiness fails (${f.how}): Ready=False within failureThreshold x periodSeconds + one period`, async () => {
      injectedAt = Date.now();
      f.inject(run1.pid);
      // The fault must show on the ready path itself first (an image built from another tree may lack it).
      await rt.waitFor(`GET ${rp.httpGet.path} failing after the fault (image ${t.image} built from this tree?)`, 5000, async () => {
        const x = await rt.get(portOf(c), rp.httpGet.path, rp.timeoutSeconds * 1000).catch(() => ({ status: 0 }));
        return x.status < 200 || x.status >= 400;
      });
      // The liveness path under the same fault, asked now: once the kubelet has restarted the container it would answer again.
      live = await rt.get(portOf(c), lp.httpGet.path, lp.timeoutSeconds * 1000).then((x) => x.status).catch(() => 0);
      const { at, pod: p } = await until(pod, 'Ready=False', 60_000, (x) => cstatus(x)?.ready === false);
      const m = within(t.name, 'Ready=False after the readiness check fails', at - injectedAt, rp.failureThreshold * rp.periodSeconds + rp.periodSeconds);
      return `${m}; readinessProbe ${rp.failureThreshold} x ${rp.periodSeconds} s; liveness path ${lp.httpGet.path} answers ${live || 'nothing'}; restartCount ${cstatus(p).restartCount}`;
    });
    const independent = live >= 200 && live < 400;
    await step(independent
      ? `${t.name}: readiness recovers: Ready=True within successThreshold x periodSeconds + one period, no restart`
      : `${t.name}: liveness path fails too (HTTP ${live || 'none'}), so the kubelet restarts the container within the liveness bound + grace, and it is Ready again`, async () => {
      if (!notReady) throw new Error('not run: Ready never went False');
      if (independent) {
        const t0 = Date.now();
        f.undo(run1.pid);
        const { at, pod: p } = await until(pod, 'Ready=True', 60_000, (x) => cstatus(x)?.ready === true);
        const m = within(t.name, 'Ready=True after the readiness check recovers', at - t0, rp.successThreshold * rp.periodSeconds + rp.periodSeconds);
        if (cstatus(p).restartCount !== 0) throw new Error(`${m}, but restarted (restartCount ${cstatus(p).restartCount})`);
        return `${m}; restartCount 0 throughout`;
      }
      const { at } = await until(pod, 'restartCount 1', 150_000, (x) => cstatus(x)?.restartCount >= 1);
      const m = within(t.name, `restarted by liveness while the readiness fault lasts (+ ${grace} s grace)`, at - injectedAt, lp.failureThreshold * lp.periodSeconds + lp.timeoutSeconds + lp.periodSeconds + grace + 5);
      const { at: readyAt } = await until(pod, 'Ready=True', 90_000, (x) => cstatus(x)?.ready === true);
      return `restarted at ${m} after the fault; the new container is Ready at ${s1(readyAt - injectedAt)}: readiness and liveness are not independent here`;
    });
  }
  let run2: Running;
  try {
    run2 = await current(pod);
  } catch (e) {
    report(`${t.name}: variant pod running and Ready before the hang`, false, (e as Error).message);
    return void (await removePod(pod).catch(() => undefined));
  }
  let stoppedAt = 0;
  let before = 0;
  const decided = await step(`${t.name}: hung app (SIGSTOP) fails liveness within failureThreshold x periodSeconds + timeoutSeconds + one period`, async () => {
    before = cstatus(await status(pod)).restartCount;
    const procs = processTree(run2.pid);
    stoppedAt = Date.now();
    for (const p of procs) process.kill(p, 'SIGSTOP');
    const re = new RegExp(`pod="default/${pod}-${rt.NODE}".*failed liveness probe, will be restarted`);
    let at = 0;
    await rt.waitFor('the kubelet decides to restart', 120_000, () => (at = rt.kubeletLogTimes(re).find((x) => x >= stoppedAt - 1000) ?? 0) > 0);
    const bound = lp.failureThreshold * lp.periodSeconds + lp.timeoutSeconds;
    return `${within(t.name, 'liveness failure decided (hung app, SIGSTOP)', at - stoppedAt, bound + lp.periodSeconds)} after SIGSTOP of ${procs.length} processes (model: ${lp.failureThreshold} x ${lp.periodSeconds} s + ${lp.timeoutSeconds} s = ${bound} s)`;
  });
  await step(`${t.name}: hung app restarted, restartCount increments (grace period ${grace} s${lp.terminationGracePeriodSeconds ? ', probe-level' : ', the pod default'})`, async () => {
    if (!decided) throw new Error('not run: no liveness failure');
    const { at, pod: p } = await until(pod, `restartCount ${before + 1}`, 150_000, (x) => cstatus(x)?.restartCount > before);
    const bound = lp.failureThreshold * lp.periodSeconds + lp.timeoutSeconds + lp.periodSeconds + grace + 5;
    const m = within(t.name, `restarted after SIGSTOP (liveness + ${grace} s grace)`, at - stoppedAt, bound);
    const term = cstatus(p).lastState?.terminated;
    return `restartCount ${before} -> ${cstatus(p).restartCount} at ${m} (liveness bound + ${grace} s grace + 5 s); last state ${term?.reason} exit ${term?.exitCode}`;
  });
  await removePod(pod).catch((e) => report(`${t.name}: remove ${pod}`, false, (e as Error).message));
}

/** The backend Service's name as the frontend's nginx asks the cluster DNS for it (namespace default). */
const BACKEND_FQDN = 'backend.default.svc.cluster.local';

/**
 * The frontend before any backend exists (k8s/frontend.yaml as generated): it starts and turns Ready with no backend
 * Service name in the cluster DNS and no backend pod, answers 502 on /api/, and proxies to the backend once its name
 * resolves and its pod is Ready, without a restart.
 */
async function frontendBeforeBackend(front: Target, back: Target, dns: DnsStub): Promise<void> {
  const spec = YAML.parse(fs.readFileSync(front.snippetFile, 'utf8'));
  const c = probesOf(spec);
  const port = portOf(c);
  const pod = 'frontend-first';
  const backendPod = 'backend-late';
  let r: Running | undefined;
  const ok = await step('frontend: started before any backend exists (no backend Service name in the cluster DNS, no backend pod): Ready within the startup budget', async () => {
    r = await startPod(pod, staticPod(pod, spec, front.image), front.image);
    const { at } = await until(pod, 'Ready', 90_000, (x) => cstatus(x)?.ready === true);
    return `${within(front.name, 'Ready before any backend exists', at - r.startedAt, startupBudget(c))}; restarts ${cstatus(await status(pod)).restartCount}`;
  });
  if (ok && r) {
    const run = r;
    await step('frontend (no backend): GET /api/v1/health answers 502; the start command wrote the cluster DNS and the namespace domain', async () => {
      const res = await rt.get(port, '/api/v1/health', 15_000);
      if (res.status !== 502) throw new Error(`/api/v1/health answered ${res.status}: ${res.body.slice(0, 200)}`);
      const file = fs.readFileSync(`/proc/${run.pid}/root/tmp/nginx-resolver.conf`, 'utf8');
      if (!file.includes(`resolver ${rt.CLUSTER_DNS} valid=10s;`) || !file.includes('default ".default.svc.cluster.local";')) throw new Error(`/tmp/nginx-resolver.conf: ${file}`);
      if (!dns.queries.includes(`${BACKEND_FQDN} A`)) throw new Error(`the cluster DNS was not asked for ${BACKEND_FQDN}: ${dns.queries.join(', ')}`);
      return `HTTP 502; resolver ${rt.CLUSTER_DNS}, domain .default.svc.cluster.local; the cluster DNS was asked for ${BACKEND_FQDN} (NXDOMAIN)`;
    });
    // The backend's Service appears (its name resolves to the node, where the backend pod listens), then its pod.
    dns.add(BACKEND_FQDN);
    const backendUp = await step('backend: its Service name resolves, its pod (k8s/backend.yaml as generated) starts and is Ready', async () => {
      const b = await startPod(backendPod, staticPod(backendPod, YAML.parse(fs.readFileSync(back.snippetFile, 'utf8')), back.image), back.image);
      const { at } = await until(backendPod, 'Ready', 90_000, (x) => cstatus(x)?.ready === true);
      return `Ready ${s1(at - b.startedAt)} after its container started`;
    });
    await step('frontend: /api/v1/health reaches the backend once it is Ready (within the resolver\'s 10 s), no restart of the frontend', async () => {
      if (!backendUp) throw new Error('not run: the backend pod did not turn Ready');
      const t0 = Date.now();
      let last = { status: 0, body: '' };
      while (Date.now() - t0 < 30_000) {
        last = await rt.get(port, '/api/v1/health', 5_000).catch((e) => ({ status: 0, body: String(e) }));
        if (last.status === 200) break;
        await rt.sleep(250);
      }
      if (last.status !== 200) throw new Error(`/api/v1/health still answers ${last.status}: ${last.body.slice(0, 200)}`);
      if (JSON.stringify(JSON.parse(last.body)) !== JSON.stringify({ status: 'healthy' })) throw new Error(`body ${last.body}`);
      const restarts = cstatus(await status(pod)).restartCount;
      if (restarts !== 0) throw new Error(`the frontend restarted ${restarts} times`);
      return `HTTP 200 ${last.body.trim()} ${within(front.name, '/api/ answers 200 after the backend is Ready', Date.now() - t0, 11)}; frontend restartCount 0`;
    });
  }
  await removePod(backendPod).catch((e) => report(`${back.name}: remove ${backendPod}`, false, (e as Error).message));
  await removePod(pod).catch((e) => report(`${front.name}: remove ${pod}`, false, (e as Error).message));
}

/** JSON with every object's keys sorted. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
}

/**
 * The Deployment's pod template after `kubectl kustomize` applied the generated patch and its guard. The Deployment is
 * shaped as real ones are (issue 25): a sidecar (the pause image) with a memory-backed volume named `tmp`, a second
 * port `metrics` (29090 and up: one port per pod on the host network) on the app, and a pod grace period of its own, 45 s. The patch must touch only its container: the
 * sidecar, its volume, the metrics port and the grace period stay (the grace period is replaced only when the model
 * needs more than Kubernetes' default 30 s), and the app's port, probes, securityContext and mounts are the snippet's.
 * The pod then runs under the kubelet with its sidecar.
 */
/** The kustomized Deployments' metrics ports: one of its own each (with hostNetwork a pod's ports are the node's, and the kubelet refuses a pod whose port another pod holds). */
let metricsPort = 29090;

async function deployment(t: Target): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-kubelet-kustomize-'));
  const metrics = metricsPort++;
  const sidecar = { name: 'log-shipper', image: rt.PAUSE_IMAGE, imagePullPolicy: 'Never', volumeMounts: [{ name: 'tmp', mountPath: '/var/log/app' }] };
  const base = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: t.name },
    spec: {
      selector: { matchLabels: { app: t.name } },
      template: {
        metadata: { labels: { app: t.name } },
        spec: {
          terminationGracePeriodSeconds: 45,
          containers: [{ name: t.name, image: t.image, ports: [{ name: 'metrics', containerPort: metrics }] }, sidecar],
          volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory' } }],
        },
      },
    },
  };
  fs.writeFileSync(path.join(dir, 'deployment.yaml'), YAML.stringify(base));
  fs.copyFileSync(t.patchFile!, path.join(dir, 'patch.yaml'));
  // The patch's guard (kustomize replacements): fails the build if the container or its port is missing.
  fs.copyFileSync(t.patchFile!.replace(/\.yaml$/, '.replacements.yaml'), path.join(dir, 'guard.yaml'));
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - deployment.yaml\npatches:\n  - path: patch.yaml\nreplacements:\n  - path: guard.yaml\n');
  // The grace period the patch writes, if any (only above 30 s).
  const patchGrace = YAML.parseAllDocuments(fs.readFileSync(t.patchFile!, 'utf8')).map((d) => d.toJS()).map((d) => d?.spec?.template?.spec?.terminationGracePeriodSeconds).find((g) => g !== undefined && g !== null);
  let spec: any;
  const ok = await step(`${t.name}: kubectl kustomize applies k8s/patches/${t.name}.yaml to a Deployment with a sidecar, a metrics port, its own grace period 45 s and a volume named tmp`, () => {
    const out = rt.run('kubectl', ['kustomize', dir]).stdout;
    spec = YAML.parse(out).spec.template.spec;
    const snippet = probesOf(YAML.parse(fs.readFileSync(t.snippetFile, 'utf8')));
    const c = spec.containers.find((x: any) => x.name === t.name);
    const ownPorts = (c.ports ?? []).filter((p: any) => p.name !== 'metrics');
    if (canonical(ownPorts.length ? ownPorts : undefined) !== canonical(snippet.ports)) throw new Error(`ports differ from k8s/${t.name}.yaml: ${JSON.stringify(c.ports)}`);
    for (const k of ['startupProbe', 'livenessProbe', 'readinessProbe', 'securityContext', 'volumeMounts']) {
      // kustomize writes every map's keys in alphabetical order: compare the values, not the key order.
      if (canonical(c[k]) !== canonical(snippet[k])) throw new Error(`${k} differs from k8s/${t.name}.yaml: ${JSON.stringify(c[k])}`);
    }
    const kept: string[] = [];
    if (!(c.ports ?? []).some((p: any) => p.name === 'metrics' && p.containerPort === metrics)) throw new Error(`the metrics port is gone: ${JSON.stringify(c.ports)}`);
    kept.push(`metrics ${metrics}`);
    if (canonical(spec.containers.find((x: any) => x.name === 'log-shipper')) !== canonical(sidecar) || spec.containers.length !== 2) throw new Error(`the sidecar changed: ${JSON.stringify(spec.containers)}`);
    kept.push('the sidecar');
    if (canonical(spec.volumes.find((v: any) => v.name === 'tmp')) !== canonical({ name: 'tmp', emptyDir: { medium: 'Memory' } })) throw new Error(`the sidecar's tmp volume changed: ${JSON.stringify(spec.volumes)}`);
    kept.push('its tmp volume');
    const grace = patchGrace ?? 45;
    if (spec.terminationGracePeriodSeconds !== grace) throw new Error(`terminationGracePeriodSeconds ${spec.terminationGracePeriodSeconds}, want ${grace}`);
    kept.push(patchGrace === undefined ? 'grace 45 s' : `grace ${grace} s (the model's, above 30 s)`);
    return `the app container carries the snippet's port, probes, securityContext and mounts; kept: ${kept.join(', ')}`;
  });
  fs.rmSync(dir, { recursive: true, force: true });
  if (ok) await asGenerated(t, 'Deployment pod template (kustomized, with its sidecar)', `${t.name}-deployment`, spec);
}

/** StartPeriodMapping.INITIAL_DELAY: no startupProbe; Ready only after initialDelaySeconds. */
async function initialDelay(t: Target, variant: any, startupProbeReadyMs: number | undefined): Promise<void> {
  const c = probesOf(variant);
  const rp = c.readinessProbe;
  const pod = `${t.name}-initial-delay`;
  await step(`${t.name}: StartPeriodMapping.INITIAL_DELAY (initialDelaySeconds ${rp.initialDelaySeconds}, no startupProbe): Ready only after the delay`, async () => {
    if (c.startupProbe) throw new Error('the variant has a startupProbe');
    const r = await startPod(pod, staticPod(pod, variant, t.image), t.image);
    const { at } = await until(pod, 'Ready', 90_000, (x) => cstatus(x)?.ready === true);
    const m = within(t.name, 'Ready with INITIAL_DELAY', at - r.startedAt, rp.initialDelaySeconds + rp.periodSeconds + 1, rp.initialDelaySeconds);
    return `${m} (initialDelaySeconds to + one period + 1 s); with the startupProbe mapping the same app was Ready at ${startupProbeReadyMs === undefined ? '?' : s1(startupProbeReadyMs)}`;
  });
  await removePod(pod).catch((e) => report(`${t.name}: remove ${pod}`, false, (e as Error).message));
}

function imageId(image: string): string | undefined {
  const r = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** docker save | ctr import, unless containerd has the image and the record says it is the same image id. */
async function importImage(image: string): Promise<void> {
  await step(`image ${image} in containerd (docker save | ctr -n k8s.io images import)`, () => {
    const id = imageId(image);
    if (!id) throw new Error(`image ${image} is missing from the Docker engine (npx projen e2e builds it)`);
    const ref = image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}:latest`;
    const record = path.join(rt.CACHE, 'containerd', `imported-${image.replace(/[^a-z0-9.-]/gi, '_')}`);
    const listed = () => rt.ctr(['images', 'ls', '-q', `name==${ref}`]).stdout.split('\n').includes(ref);
    if (listed() && fs.existsSync(record) && fs.readFileSync(record, 'utf8') === id) return `${id.slice(7, 19)} already imported as ${ref}`;
    const t0 = Date.now();
    const tar = spawnSync('docker', ['save', image], { maxBuffer: 4 * 1024 * 1024 * 1024 });
    if (tar.status !== 0) throw new Error(`docker save ${image}: ${tar.stderr}`);
    rt.ctr(['images', 'import', '-'], { input: tar.stdout });
    if (!listed()) throw new Error(`imported, but containerd does not list ${ref}`);
    fs.writeFileSync(record, id);
    return `${id.slice(7, 19)} imported as ${ref} in ${s1(Date.now() - t0)}`;
  });
}

function pauseImage(): void {
  if (imageId(rt.PAUSE_IMAGE)) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-pause-'));
  fs.copyFileSync(rt.bin('pause'), path.join(dir, 'pause'));
  fs.chmodSync(path.join(dir, 'pause'), 0o755);
  const tar = spawnSync('tar', ['-C', dir, '-c', 'pause']);
  rt.run('docker', ['import', '--change', 'ENTRYPOINT ["/pause"]', '--change', 'USER 65535:65535', '-', rt.PAUSE_IMAGE], { input: tar.stdout });
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Re-running a part (a debugging aid; the full run sets neither): KUBELET_E2E_TARGETS=frontend,server and
 * KUBELET_E2E_PARTS=before-backend,generated,deployment,noanswer,faults,initial-delay (comma-separated).
 */
const ONLY_TARGETS = process.env.KUBELET_E2E_TARGETS?.split(',').map((x) => x.trim()).filter(Boolean);
const ONLY_PARTS = process.env.KUBELET_E2E_PARTS?.split(',').map((x) => x.trim()).filter(Boolean);
const part = (name: string) => !ONLY_PARTS || ONLY_PARTS.includes(name);

async function main(): Promise<void> {
  const t0 = Date.now();
  console.log('e2e:kubelet: timings: the examples\' generated files as written for start, Ready, securityContext and the startupProbe;');
  if (ONLY_TARGETS || ONLY_PARTS) console.log(`e2e:kubelet: a partial run: targets ${ONLY_TARGETS?.join(',') ?? 'all'}, parts ${ONLY_PARTS?.join(',') ?? 'all'}`);
  console.log(`e2e:kubelet: liveness and readiness faults on a test-only variant of the same model (test/e2e/kubelet/variant.ts: interval ${VARIANT.intervalSeconds} s, timeout ${VARIANT.timeoutSeconds} s, retries ${VARIANT.retries}); no generated file is edited`);
  let variant: Record<string, any> = {};
  const snippets = new Map(targets.map((t) => [t.name, YAML.parse(fs.readFileSync(t.snippetFile, 'utf8'))]));
  await step('kubelet, containerd, runc and pause present', () => {
    const v = (cmd: string, args: string[]) => rt.run(cmd, args).stdout.split('\n')[0];
    if (!fs.existsSync(rt.bin('pause'))) throw new Error(`${rt.bin('pause')} missing (tools/kubelet.sh builds it)`);
    return [v(rt.bin('kubelet'), ['--version']), v('containerd', ['--version']).replace(/^containerd \S+ /, 'containerd '), v('runc', ['--version']), 'pause (static)'].join(', ');
  });
  await step('the test variant is the examples\' model with the liveness/readiness timing changed only', () => {
    variant = synthVariant();
    const diffs = targets.map((t) => sameModel(snippets.get(t.name), variant[t.name]).length);
    return `${targets.map((t, i) => `${t.name}: ${diffs[i]} timing fields`).join(', ')} differ; startupProbe, securityContext, ports, mounts equal`;
  });
  rt.prepareFolders();
  const up = await step(`containerd on a private socket (${rt.SOCK}, root ${rt.CACHE}/containerd)`, async () => `answers CRI after ${s1(await rt.startContainerd())}; log ${rt.CONTAINERD_LOG}`);
  if (up) {
    // Leftovers of an earlier run that was killed.
    rt.killContainers(rt.podContainers());
  }
  const kubelet = up && (await step(`kubelet (standalone, static pods, node IP ${rt.NODE_IP} in a private network namespace) started`, async () => `healthz after ${s1(await rt.startKubelet())}; log ${rt.KUBELET_LOG}`));
  const kubeletStart = Date.now();
  if (up) {
    try {
      pauseImage();
    } catch (e) {
      report(`pause image ${rt.PAUSE_IMAGE}`, false, (e as Error).message);
    }
    for (const image of [rt.PAUSE_IMAGE, ...targets.map((t) => t.image)]) await importImage(image);
  }
  // A kubelet that started less than one probe period ago delays each new probe worker by a random part of its
  // period (it spreads probes out after a kubelet restart): the first pods start one longest period later.
  const longest = Math.max(...[...snippets.values()].flatMap((sn) => ['livenessProbe', 'readinessProbe'].map((k) => probesOf(sn)[k].periodSeconds)));
  if (kubelet) await rt.sleep(Math.max(0, kubeletStart + (longest + 1) * 1000 - Date.now()));
  let dns: DnsStub | undefined;
  if (kubelet) {
    // The cluster DNS (kubelet clusterDNS): knows no backend Service yet.
    await step(`cluster DNS: the test's DNS stub on ${rt.CLUSTER_DNS}:53 (the kubelet's clusterDNS)`, async () => {
      dns = await DnsStub.start([], rt.CLUSTER_DNS);
      return 'listening; answers names it is given (none yet) with 127.0.0.1, others NXDOMAIN';
    });
  }
  const byTarget = new Map(targets.map((t) => [t.name, t]));
  const imported = (t: Target) => suite.steps.some((r) => r.ok && r.name.startsWith(`image ${t.image} `));
  if (kubelet && dns && part('before-backend') && (!ONLY_TARGETS || ONLY_TARGETS.includes('frontend'))) {
    const front = byTarget.get('frontend')!;
    const back = byTarget.get('backend')!;
    if (imported(front) && imported(back)) await frontendBeforeBackend(front, back, dns).catch((e) => report('frontend before the backend', false, (e as Error).message));
    else report('frontend before the backend', false, 'not run: frontend-test or backend-test is not in containerd');
  }
  // From here on the backend's Service name resolves (the frontend's other pods proxy to the backend's pods).
  dns?.add(BACKEND_FQDN);
  if (kubelet) {
    const byName = byTarget;
    const present = imported;
    const lane = async (names: string[], fn: (t: Target) => Promise<void>) => {
      for (const n of names) {
        const t = byName.get(n)!;
        if (!present(t)) {
          report(`${t.name}: pods`, false, `not run: image ${t.image} is not in containerd`);
          continue;
        }
        await fn(t).catch((e) => report(`${t.name}: pods`, false, (e as Error).message));
      }
    };
    const full = async (t: Target) => {
      const readyMs = part('generated') ? await asGenerated(t, `k8s/${t.name}.yaml as generated`, t.name, snippets.get(t.name)) : undefined;
      if (t.patchFile && part('deployment')) await deployment(t);
      if (part('noanswer')) await noAnswer(t, snippets.get(t.name));
      if (part('faults')) await faults(t, variant[t.name]);
      if (t.name === 'api' && part('initial-delay')) await initialDelay(t, variant['api-initial-delay'], readyMs);
    };
    // Pods use the host network: one lane per port, the lanes side by side.
    const only = (names: string[]) => names.filter((n) => !ONLY_TARGETS || ONLY_TARGETS.includes(n));
    await Promise.all([lane(only(['backend']), full), lane(only(['frontend', 'server']), full), lane(only(['api']), full)]);
  }
  console.log('\ne2e:kubelet: measured against the model\'s bounds');
  console.log('| container | what | measured | bound |\n|---|---|---|---|');
  for (const r of table) console.log(`| ${r.container} | ${r.what} | ${r.measured} | ${r.bound} |`);
  await dns?.close();
  fs.writeFileSync(path.join(rt.WORK, 'results.json'), JSON.stringify({ results: suite.steps, table }, null, 2));
  console.log(`e2e:kubelet: finished in ${s1(Date.now() - t0)}; logs in ${rt.LOGS}`);
}

let stopped = false;
function cleanup(): void {
  if (stopped) return;
  stopped = true;
  for (const n of rt.stopAll()) console.log(`e2e:kubelet: cleanup: ${n}`);
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    cleanup();
    console.log(`e2e:kubelet: ${sig}`);
    process.exit(1);
  });
}

main()
  .catch((e) => report('kubelet e2e', false, (e as Error).stack ?? String(e)))
  .finally(() => {
    cleanup();
    process.exitCode = suite.finish();
  });
