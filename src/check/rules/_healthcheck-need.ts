/**
 * PC018, an image without HEALTHCHECK, only where something acts on its health and nothing else gives it one: a
 * Compose service that runs it without `healthcheck:` while an autoheal-style restarter watches that service (the
 * `autoheal=true` label, or a restarter watching `all`). A `depends_on: service_healthy` on such a service is PC033's
 * (an error there). Nothing for an image Compose merely runs, nor for one nothing here runs (what would run it is not
 * known): no maintainer acted on those (0 of 249 judged findings in the tuning, first held-out and old sets; docs/check.md). Never for test, dev, base, tool or batch images,
 * nor for an image Kubernetes runs (it ignores HEALTHCHECK; missing probes are PC012's).
 */
import * as path from 'path';
import { Finding, finding } from './_finding';
import { imageLabel } from './_image';
import { baseImageDefaults, DockerImage, K8sContainer } from '../read';

/** What runs an image, as the checker found it. */
export interface ImageRuns {
  /** The Kubernetes containers paired with the image. */
  readonly containers: K8sContainer[];
  /** The Compose services that build it (`file` relative): their own `healthcheck:`, whether they publish or expose ports, their build `target`. */
  readonly compose: Array<{
    readonly name: string;
    readonly file: string;
    readonly healthcheck: 'set' | 'disabled' | 'none';
    readonly ports: boolean;
    readonly target?: string;
    /** What acts on the service's health: the restarter's label (`autoheal`), or `all` (a restarter watching every container). */
    readonly watchedBy?: string;
  }>;
  /** Another Dockerfile of the paths builds FROM this image: a base image. */
  readonly base: boolean;
  /** The Dockerfile sits in a folder not deployed (tests, dev tooling), reached through a build file. */
  readonly notDeployed: boolean;
}

/**
 * A test, CI, dev or debug image: by the Dockerfile's name (`Dockerfile.test`, `e2e.Dockerfile`, `Dockerfile.playwright`:
 * browser and load test runners) or the target stage's.
 */
const TEST_NAME = /(^|[._-])(tests?|e2e|integration|ci|lint|dev|develop|development|debug|devcontainer|playwright|cypress|selenium|puppeteer|k6|locust|jmeter)([._-]|$)/i;
/** A base image by its name: `Dockerfile.base`, `base.Dockerfile`, a folder `base`, `base-image`, `baseimage`. */
const BASE_NAME = /(^|[._-])base([._-]|$)/i;

export function healthcheckRules(image: DockerImage, runs: ImageRuns): Finding[] {
  const hc = image.healthcheck;
  if (hc && !hc.none) return [];
  const file = path.basename(image.file);
  const variant = file.replace(/^(Dockerfile|Containerfile)/i, '').replace(/(Dockerfile|Containerfile)$/i, '');
  if (runs.notDeployed || TEST_NAME.test(variant) || TEST_NAME.test(image.target.name ?? '')) return [];
  if (runs.base || BASE_NAME.test(variant) || /^base([-_]?images?)?$/i.test(path.basename(path.dirname(image.absFile)))
    || image.target.instructions.some((i) => i.keyword === 'ONBUILD')) return [];
  // A Compose service that builds another stage (`target: builder`, `development`) does not run this one: the stage it
  // runs is not the one judged here, and nothing else may run this one either.
  const stage = image.target.name ?? '';
  const otherStage = runs.compose.filter((s) => s.target !== undefined && s.target.toLowerCase() !== stage);
  if (otherStage.length > 0 && otherStage.length === runs.compose.length && runs.containers.length === 0) return [];
  const compose = runs.compose.filter((s) => !otherStage.includes(s));
  const services = runs.containers.filter((c) => !c.runsToCompletion);
  // Jobs, CronJobs and test pods run to completion: nothing waits on their health.
  if (runs.containers.length > 0 && services.length === 0 && compose.length === 0) return [];
  // A tool or a worker takes no connections: nothing to check from outside.
  const serves = image.exposes.length > 0 || baseImageDefaults(image.base)?.exposes === true
    || services.some((c) => c.ports.length > 0) || compose.some((s) => s.ports);
  if (!serves) return [];
  const what = `${hc ? 'HEALTHCHECK NONE disables the check of' : 'no HEALTHCHECK in'} the ${image.target.name ?? 'final'} stage`;
  const line = hc?.line ?? image.target.line;
  // Kubernetes runs it: its health is checked by probes where it is deployed (PC012 names missing ones; a HEALTHCHECK
  // would not fix them, Kubernetes ignores it), and a Compose file beside it (a local run of the same image) is a
  // convenience, not the deployment.
  if (services.length > 0) return [];
  // Compose runs it without a check, and a restarter acts on its health: it never sees it unhealthy.
  const unchecked = compose.filter((s) => s.healthcheck === 'none' && s.watchedBy !== undefined);
  if (unchecked.length === 0) return [];
  const by = (s: typeof unchecked[number]) => (s.watchedBy === 'all' ? 'an autoheal restarter watching all containers' : `the label ${s.watchedBy}=true`);
  return [finding('PC018', image.file, line, imageLabel(image),
    `${what}, and Compose runs the image without a healthcheck: where a restarter acts on its health (${unchecked.map((s) => `service ${s.name} in ${s.file}, ${by(s)}`).join('; ')}): the container never turns unhealthy, so a hung one is never restarted`)];
}
