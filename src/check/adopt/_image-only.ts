// Adoption of a Dockerfile that no Kubernetes workload deploys: the statement carries the image; its Kubernetes files are new, said in one note; the round trip compares the image only.
import * as path from 'path';
import { Change } from './_changes';
import { compare, RoundTrip } from './_round-trip';
import { synthStatement, writtenDockerfile } from './_scratch';
import { AdoptSide, StatementParts } from './_side';
import { checkUrl, DockerImage, HealthcheckFacts, K8sContainer, readDockerfile } from '../read';

const lit = (s: string) => JSON.stringify(s);

/** A container with nothing set: what no manifest is (no ports, probes, mounts, env, securityContext). */
export function emptyContainer(file: string, name: string, line = 1, kind = 'Dockerfile'): K8sContainer {
  return { file, kind, workload: name, name, line, ports: [], mounts: [], runsToCompletion: false };
}

/** The name a Dockerfile's container gets: `x` of `Dockerfile.x` / `x.Dockerfile`, else its folder's name. */
export function nameOfDockerfile(image: DockerImage, cwd: string): string {
  const b = path.basename(image.absFile);
  const m = /^(?:Dockerfile|Containerfile)[.-](.+)$/i.exec(b) ?? /^(.+)\.(?:Dockerfile|Containerfile)$/i.exec(b);
  if (m) return m[1];
  const dir = path.dirname(image.absFile);
  return path.basename(dir === cwd ? path.resolve(cwd) : dir) || 'app';
}

const PROBES = /^(livenessProbe|readinessProbe|startupProbe)(\.|$)/;

/**
 * The parts of a statement adopted without a Kubernetes workload: a HEALTHCHECK that runs a command (no URL) becomes
 * `HealthCheck.exec` of that command (in place of the `true` placeholder); the probes the construct writes are not
 * differences (no probe existed to change) but new files, said once in `newFilesNote`.
 */
export function withoutWorkload(parts: StatementParts, image: DockerImage, hc: HealthcheckFacts | undefined, header: string,
  newFilesNote: string): StatementParts {
  let lines = parts.code.split('\n');
  lines[0] = header;
  let notes = parts.notes.filter((n) => !/^(livenessProbe and startupProbe|readinessProbe): none in /.test(n));
  const placeholder = lines.findIndex((l) => l === '  healthCheck: HealthCheck.exec(["true"]),');
  if (hc && !hc.none && placeholder > 0 && !checkUrl(hc.argv)) {
    lines[placeholder] = `  healthCheck: HealthCheck.exec([${hc.argv.map(lit).join(', ')}]),`;
    if (lines[placeholder - 1].trim().startsWith('//')) lines[placeholder - 1] = `  // The HEALTHCHECK's command (${image.file}:${hc.line}) is the check.`;
  } else if (placeholder > 0) {
    notes = [...notes, 'livenessProbe and startupProbe: none in the original, and no HEALTHCHECK; now exec true, which always passes (choose with healthCheck)'];
  }
  lines.splice(1, 0, `// ${newFilesNote}`);
  const changes = parts.changes.filter((c) => !PROBES.test(c.field));
  return { ...parts, code: lines.join('\n'), notes, changes };
}

/** The round trip of a statement against an image alone: the generated Dockerfile against the original (no Kubernetes side). */
export function imageRoundTrip(image: DockerImage, code: string, changes: readonly Change[]): RoundTrip {
  const s = synthStatement(code);
  try {
    if (s.error) return { carried: [], differences: [], error: s.error };
    const dockerfile = writtenDockerfile(s.files);
    if (!dockerfile) return { carried: [], differences: [], error: 'the statement wrote no Dockerfile' };
    const generated = readDockerfile(path.join(s.outdir, dockerfile), s.outdir);
    return compare({ image, container: emptyContainer(image.file, 'original') }, { image: generated, container: emptyContainer(dockerfile, 'generated') }, changes);
  } finally {
    s.dispose();
  }
}

/** The side of a Dockerfile that no workload deploys. */
export function dockerfileSide(image: DockerImage): AdoptSide {
  const hc = image.healthcheck && !image.healthcheck.none ? image.healthcheck : undefined;
  return {
    source: 'dockerfile',
    describe: `${image.file} (no workload deploys it)`,
    adjust: (parts) => withoutWorkload(parts, image, hc,
      `// From ${image.file}${image.target.name ? ` (stage ${image.target.name})` : ''}: no Kubernetes manifest or Compose service checked here runs its image.`,
      'Kubernetes: no manifest deploys this image; the Deployment snippet and probes the statement writes are new files (nothing existing changes)'),
    roundTrip: (code, changes) => imageRoundTrip(image, code, changes),
  };
}
