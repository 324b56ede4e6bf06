/**
 * The rule on the address a container's process binds: a loopback bind (`--host 127.0.0.1`) with probes the
 * kubelet sends over the network to the pod IP.
 */
import { Finding, finding } from './_finding';
import { argvOf, DockerImage, K8sContainer } from '../read';
import { containerLabel } from './_probes';
import { loopbackOnlyBind } from '../../container/_bind';

/** One word of the argv the container runs, and where it is written. */
interface Located {
  readonly word: string;
  readonly file: string;
  readonly line: number;
  readonly from: string;
}

/**
 * The argv the container runs, as Kubernetes builds it: `command` replaces the image's ENTRYPOINT (and then its
 * CMD is dropped), `args` replace its CMD. Without a paired image only the manifest's own words are known.
 */
function effectiveArgv(c: K8sContainer, image?: DockerImage): Located[] {
  const fromManifest = (key: 'command' | 'args'): Located[] => (c[key]?.words ?? []).map((word, i) => ({ word, file: c.file, line: c[key]!.lines[i] || c.line, from: key }));
  const fromImage = (key: 'entrypoint' | 'cmd'): Located[] => {
    const ins = image?.[key];
    return ins ? argvOf(ins).map((word) => ({ word, file: image!.file, line: ins.line, from: key === 'cmd' ? 'CMD' : 'ENTRYPOINT' })) : [];
  };
  const entrypoint = c.command ? fromManifest('command') : fromImage('entrypoint');
  const cmd = c.args ? fromManifest('args') : c.command ? [] : fromImage('cmd');
  return [...entrypoint, ...cmd];
}

/** PC023: the process binds only loopback while the kubelet probes it over the network (httpGet, tcpSocket, grpc). */
export function bindRules(c: K8sContainer, image?: DockerImage): Finding[] {
  const network = ([['startupProbe', c.startup], ['livenessProbe', c.liveness], ['readinessProbe', c.readiness]] as const)
    .filter(([, p]) => p !== undefined && (p.kind === 'httpGet' || p.kind === 'tcpSocket' || p.kind === 'grpc'));
  if (network.length === 0) return [];
  const argv = effectiveArgv(c, image);
  const bind = loopbackOnlyBind(argv.map((a) => a.word));
  if (bind === undefined) return [];
  const at = argv[bind.index];
  return [finding('PC023', at.file, at.line, containerLabel(c),
    `the process binds ${bind.host} (${at.from} word ${JSON.stringify(bind.word)}), which only the container itself reaches; ${network.map(([f, p]) => `${f} (${p!.kind})`).join(', ')} go to the pod IP and fail, so the container is restarted forever (a HEALTHCHECK inside the container still passes)`)];
}
