// What an adopted container mounts and is given at run time: writable paths (emptyDir, VOLUME) carried; Secret, ConfigMap and other volumes and env named, never turned into something else.
import { Change } from './_changes';
import { DockerImage, K8sContainer } from '../read';

/** System directories the model refuses as writable paths (an emptyDir would hide what the image has there). */
const SYSTEM = /^\/(bin|boot|dev|etc|lib|lib32|lib64|libx32|proc|sbin|sys|usr)(\/|$)/;

/** Volume kinds the kubelet mounts read-only or whose content comes from the cluster: never an emptyDir. */
const CONTENT_VOLUMES = new Set(['secret', 'configMap', 'projected', 'downwardAPI', 'csi', 'persistentVolumeClaim', 'hostPath', 'nfs', 'ephemeral', 'image']);

/** The writable paths the construct mounts an emptyDir at, and what it cannot carry, named. */
export interface MountCarry {
  /** `writablePaths` (the model's default /tmp kept first), or undefined to keep the model's default. */
  readonly writablePaths?: string[];
  readonly notes: string[];
  /** Each mount the generated snippet does not write (`volumeMount <path>`: the original's source -> `(none)`). */
  readonly changes: Change[];
}

/**
 * Writable paths: the manifest's emptyDir mounts (and mounts of volumes the pod does not declare, as a bare
 * PodSpec has them) that are not read-only, and the image's `VOLUME` paths (writable under Docker's read-only root:
 * Docker mounts a volume there). Secret, ConfigMap and other content volumes stay the user's: named (kind, volume,
 * read-only), never made an emptyDir, which would hide their files. Paths the model refuses (system directories,
 * `protected` paths of a preset) are named too.
 * @param protectedPaths the preset's own paths (`/app`), which an emptyDir may not hide
 */
export function carryMounts(image: DockerImage, c: K8sContainer, protectedPaths: readonly string[] = []): MountCarry {
  const notes: string[] = [];
  const changes: Change[] = [];
  const paths: string[] = [];
  const keep = (p: string, why: string) => {
    const clash = protectedPaths.find((q) => p === q || p.startsWith(`${q}/`) || q.startsWith(`${p}/`));
    if (!p.startsWith('/') || SYSTEM.test(p) || p === '/' || clash) {
      notes.push(`writable path ${p} (${why}): the model mounts no emptyDir ${clash ? `over the image's own ${clash}` : 'there'}; keep its mount in your workload`);
      changes.push({ field: `volumeMount ${p}`, old: 'writable', new: '(none)' });
      return;
    }
    const norm = p.replace(/\/+$/, '');
    if (!paths.includes(norm)) paths.push(norm);
  };
  for (const m of c.mounts) {
    // The pod volume's kind (`secret` of `secret:<name>`).
    const kind = m.source?.split(':')[0];
    if (kind !== undefined && CONTENT_VOLUMES.has(kind)) {
      notes.push(`${c.file}:${m.line} ${kind} volume ${m.name ?? ''} at ${m.path}${m.readOnly ? ' (read-only)' : ''}: the generated snippet writes emptyDir volumes only; keep this volume and its mount in your workload`);
      changes.push({ field: `volumeMount ${m.path}`, old: `${m.source}${m.readOnly ? ' read-only' : ''}`, new: '(none)' });
      continue;
    }
    if (m.readOnly) {
      notes.push(`${c.file}:${m.line} read-only mount of ${m.name ?? 'a volume'} at ${m.path}: keep it in your workload (the model's writable paths are writable emptyDirs)`);
      changes.push({ field: `volumeMount ${m.path}`, old: `${m.source ?? m.name ?? 'a volume'} read-only`, new: '(none)' });
      continue;
    }
    keep(m.path, `${c.file}:${m.line}${kind ? ` ${kind}` : ''}`);
  }
  for (const v of image.volumes) {
    keep(v.path, `${image.file}:${v.line} VOLUME`);
    // A VOLUME the workload mounts nothing at: Docker and Compose mount an anonymous volume there, Kubernetes nothing
    // (writes go to the container layer); the construct mounts a writable emptyDir (a tmpfs in Compose): named.
    const norm = v.path.replace(/\/+$/, '');
    if (paths.includes(norm) && !c.mounts.some((m) => m.path.replace(/\/+$/, '') === norm)) {
      changes.push({ field: `volumeMount ${norm}`, old: `(none) (${image.file}:${v.line} VOLUME ${v.path}: an anonymous volume under Docker and Compose, the container layer under Kubernetes)`, new: 'an emptyDir (a tmpfs in Compose): writablePaths' });
    }
  }
  // The manifest's env and envFrom are named as changes by the round trip's statementChanges (`// changes: env ...`);
  // the ports beside the service port are carried by carryPorts.
  // Only /tmp: the model's default, not written.
  if (paths.length === 0 || (paths.length === 1 && paths[0] === '/tmp')) return { notes, changes };
  return { writablePaths: paths.includes('/tmp') ? paths : ['/tmp', ...paths], notes, changes };
}
