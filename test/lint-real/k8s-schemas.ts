/**
 * Writes kubeconform's strict JSON schemas for one Kubernetes release from that release's own OpenAPI document.
 *
 * Input: `api/openapi-spec/swagger.json` of the `k8s.io/kubernetes` Go module (downloaded by tools/linters.sh).
 * Output: `<out>/v<version>-standalone-strict/<kind>-<group>-<version>.json`, the file names kubeconform's default
 * template asks for (`{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`).
 * Each file holds the kind's schema plus the definitions it references (so it stands alone), with the same changes
 * the public kubernetes-json-schema set makes: IntOrString accepts a string or an integer, Quantity a string or a
 * number, and (strict) every object with listed properties refuses any other property.
 *
 * Usage: ts-node test/lint-real/k8s-schemas.ts <swagger.json> <k8s version, e.g. 1.37.2> <out dir>
 */
import * as fs from 'fs';
import * as path from 'path';

type Schema = { [key: string]: any };

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** A copy of a definition without descriptions, strict, with refs kept local (`#/definitions/<name>`). */
function convert(s: any): any {
  if (Array.isArray(s)) return s.map(convert);
  if (s === null || typeof s !== 'object') return s;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'description') continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, convert(ps)])) : convert(v);
  }
  if (out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function refsOf(s: any, into: Set<string>): void {
  if (Array.isArray(s)) {
    s.forEach((x) => refsOf(x, into));
  } else if (s !== null && typeof s === 'object') {
    for (const [k, v] of Object.entries(s)) {
      if (k === '$ref' && typeof v === 'string') into.add(v.replace('#/definitions/', ''));
      else refsOf(v, into);
    }
  }
}

/** The file name kubeconform's template asks for: `<kind>-<first label of group>-<version>.json`, lower case. */
export function schemaFileName(group: string, apiVersion: string, kind: string): string {
  const suffix = group ? `-${group.split('.')[0].toLowerCase()}-${apiVersion}` : `-${apiVersion}`;
  return `${kind.toLowerCase()}${suffix}.json`;
}

/** Every resource kind of the OpenAPI (v2) document as a standalone strict schema, by file name. */
export function strictSchemas(swagger: { definitions: Record<string, Schema> }): Map<string, Schema> {
  const defs: Record<string, Schema> = {};
  for (const [name, def] of Object.entries(swagger.definitions as Record<string, Schema>)) defs[name] = convert(def);
  defs[INT_OR_STRING] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  defs[QUANTITY] = { oneOf: [{ type: 'string' }, { type: 'number' }] };

  const out = new Map<string, Schema>();
  for (const [name, def] of Object.entries(swagger.definitions as Record<string, Schema>)) {
    const gvks: { group: string; version: string; kind: string }[] = def['x-kubernetes-group-version-kind'] ?? [];
    if (gvks.length !== 1) continue; // shared types (DeleteOptions, WatchEvent...) are no resource of their own
    const closure = new Set<string>();
    const todo = [name];
    while (todo.length) {
      const n = todo.pop()!;
      if (closure.has(n)) continue;
      closure.add(n);
      const found = new Set<string>();
      refsOf(defs[n], found);
      todo.push(...found);
    }
    closure.delete(name);
    const { group, version: apiVersion, kind } = gvks[0];
    const definitions = Object.fromEntries([...closure].sort().map((n) => [n, defs[n]]));
    out.set(schemaFileName(group, apiVersion, kind), { ...defs[name], definitions });
  }
  return out;
}

function main(): void {
  const [swaggerFile, version, outDir] = process.argv.slice(2);
  if (!swaggerFile || !/^\d+\.\d+\.\d+$/.test(version ?? '') || !outDir) {
    throw new Error('usage: k8s-schemas.ts <swagger.json> <version e.g. 1.37.2> <out dir>');
  }
  const schemas = strictSchemas(JSON.parse(fs.readFileSync(swaggerFile, 'utf8')));
  const dir = path.join(outDir, `v${version}-standalone-strict`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, schema] of schemas) fs.writeFileSync(path.join(dir, file), JSON.stringify(schema));
  const written = schemas.size;
  fs.writeFileSync(path.join(dir, 'SOURCE'), `k8s.io/kubernetes v${version} api/openapi-spec/swagger.json\n`);
  console.log(`k8s-schemas: ${written} kinds of Kubernetes v${version} in ${dir}`);
}

if (require.main === module) main();
