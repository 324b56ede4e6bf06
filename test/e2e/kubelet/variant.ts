/**
 * The test-only variant of the examples' models that the kubelet e2e runs its liveness and readiness faults on:
 * the examples' own declarations (examples/fullstack/declare.ts, examples/services/declare.ts) with only the timing
 * overridden, synthesized into a temporary folder with a shorter check interval, timeout and retries (the generated
 * interval of 30 s and 3 retries would make every fault take minutes). The start period and start interval
 * stay as the examples have them. The generated files of the examples are never edited: `sameModel` checks
 * that the variant's snippets differ from the committed ones in the timing fields only.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Project } from 'projen';
import * as YAML from 'yaml';
import { declareFullstack } from '../../../examples/fullstack/declare';
import { declareServices } from '../../../examples/services/declare';
import { Duration, HealthTiming, StartPeriodMapping } from '../../../src';

/** The variant's timing (every other field as in the example). */
export const VARIANT = { intervalSeconds: 4, timeoutSeconds: 2, retries: 2 };

function timing(startPeriodSeconds?: number): HealthTiming {
  return {
    interval: Duration.seconds(VARIANT.intervalSeconds),
    timeout: Duration.seconds(VARIANT.timeoutSeconds),
    retries: VARIANT.retries,
    ...(startPeriodSeconds === undefined ? {} : { startPeriod: Duration.seconds(startPeriodSeconds) }),
  };
}

/**
 * Synthesizes the variant and returns each container's PodSpec snippet (parsed k8s/<name>.yaml), keyed by
 * container name; `api-initial-delay` is the api with `StartPeriodMapping.INITIAL_DELAY` (the task's literal table).
 */
export function synthVariant(): Record<string, any> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-kubelet-variant-'));
  // examples/fullstack, timing shortened (the backend's start period of 10 s kept); without its ECS health check,
  // which refuses an interval under 5 s (ECS's limit) and writes nothing the kubelet runs.
  const fullstack = new Project({ name: 'kubelet-e2e-variant', outdir: path.join(dir, 'fullstack') });
  declareFullstack(fullstack, { backend: { timing: timing(10) }, frontend: { timing: timing() }, ecs: false });
  // examples/services, timing shortened on api and server (worker, web and grpc are not run on the kubelet:
  // the worker has no port to probe from outside, web and grpc are Alpine-based and not built here).
  const services = new Project({ name: 'kubelet-e2e-variant', outdir: path.join(dir, 'services') });
  declareServices(services, { api: { timing: timing() }, server: { timing: timing() } });
  // The api again with the original task's literal start-period mapping (initialDelaySeconds, no startupProbe).
  const initialDelay = new Project({ name: 'kubelet-e2e-initial-delay', outdir: path.join(dir, 'initial-delay') });
  declareServices(initialDelay, { api: { timing: timing(), startPeriodMapping: StartPeriodMapping.INITIAL_DELAY } });
  fullstack.synth();
  services.synth();
  initialDelay.synth();
  const read = (f: string) => YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const out = {
    'backend': read('fullstack/k8s/backend.yaml'),
    'frontend': read('fullstack/k8s/frontend.yaml'),
    'api': read('services/k8s/api.yaml'),
    'server': read('services/k8s/server.yaml'),
    'api-initial-delay': read('initial-delay/k8s/api.yaml'),
  };
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

const TIMING_FIELDS = ['periodSeconds', 'timeoutSeconds', 'failureThreshold', 'initialDelaySeconds'];

/**
 * Throws unless `variant` equals `generated` in every field but the liveness and readiness probes' timing
 * fields (the startupProbe must be equal too). Returns the fields that differ, e.g. `livenessProbe.periodSeconds 30 -> 3`.
 */
export function sameModel(generated: any, variant: any): string[] {
  const diffs: string[] = [];
  const walk = (a: any, b: any, at: string[]): void => {
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[k], b[k], [...at, k]);
      return;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const probe = at.find((k) => k === 'livenessProbe' || k === 'readinessProbe');
    if (!probe || !TIMING_FIELDS.includes(at[at.length - 1])) {
      throw new Error(`the variant differs from the generated snippet beyond timing at ${at.join('.')}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
    }
    diffs.push(`${probe}.${at[at.length - 1]} ${a} -> ${b}`);
  };
  walk(generated, variant, []);
  return diffs;
}
