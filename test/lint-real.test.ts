import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { allowedBy, loadAllowlist } from './lint-real/allowlist';
import { neighbours, wrapSnippet } from './lint-real/groups';
import { schemaFileName, strictSchemas } from './lint-real/k8s-schemas';

describe('lint:real allowlist', () => {
  const entries = loadAllowlist();
  const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'linters.md'), 'utf8');

  test('every entry is in docs/linters.md with its tool and rule id', () => {
    for (const e of entries) {
      const row = doc.split('\n').find((l) => l.startsWith('|') && l.includes(`\`${e.rule}\``) && l.includes(e.tool));
      expect(row).toBeDefined();
    }
  });

  test('an entry matches its tool, rule, groups and message only', () => {
    const e = { tool: 'kube-score', rule: 'r1', groups: ['a/k8s'], message: '^uid', reason: 'x', option: 'y' };
    const f = { tool: 'kube-score', rule: 'r1', file: 'f.yaml', object: 'Deployment/x', message: 'uid 1000' };
    expect(allowedBy([e], 'a/k8s', f)).toBe(e);
    expect(allowedBy([e], 'b/k8s', f)).toBeUndefined();
    expect(allowedBy([e], 'a/k8s', { ...f, tool: 'trivy' })).toBeUndefined();
    expect(allowedBy([e], 'a/k8s', { ...f, rule: 'r2' })).toBeUndefined();
    expect(allowedBy([e], 'a/k8s', { ...f, message: 'gid 1000' })).toBeUndefined();
  });

  test('an entry with objects matches those objects only', () => {
    const e = { tool: 'kube-linter', rule: 'no-readiness-probe', objects: ['Deployment/worker'], reason: 'x', option: 'y' };
    const f = { tool: 'kube-linter', rule: 'no-readiness-probe', file: 'worker.yaml', object: 'Deployment/worker', message: 'no readiness probe' };
    expect(allowedBy([e], 'services/k8s', f)).toBe(e);
    expect(allowedBy([e], 'services/k8s', { ...f, object: 'Deployment/api' })).toBeUndefined();
  });

  test('objects that are not a list of strings are refused', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pc-allow-')), 'a.yaml');
    fs.writeFileSync(file, 'allow:\n  - { tool: trivy, rule: KSV-0020, reason: r, option: o, objects: Deployment/x }\n');
    expect(() => loadAllowlist(file)).toThrow(/allow\[0\]\.objects: must be a list of strings; received "Deployment\/x"/);
  });

  test('an entry without a reason is refused', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pc-allow-')), 'a.yaml');
    fs.writeFileSync(file, 'allow:\n  - { tool: trivy, rule: KSV-0020, option: none }\n');
    expect(() => loadAllowlist(file)).toThrow(/allow\[0\]\.reason: must be a non-empty string; received undefined/);
  });
});

describe('kubeconform schemas from the Kubernetes OpenAPI document', () => {
  const swagger = {
    definitions: {
      'io.k8s.api.apps.v1.Deployment': {
        'description': 'dropped',
        'properties': { apiVersion: { type: 'string' }, kind: { type: 'string' }, spec: { $ref: '#/definitions/io.k8s.api.apps.v1.Spec' } },
        'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
      },
      'io.k8s.api.apps.v1.Spec': { properties: { port: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }, labels: { type: 'object', additionalProperties: { type: 'string' } } } },
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
      'io.k8s.api.core.v1.Service': { 'properties': {}, 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Service' }] },
      'io.k8s.api.networking.v1.Ingress': { 'properties': {}, 'x-kubernetes-group-version-kind': [{ group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' }] },
    },
  };
  const schemas = strictSchemas(swagger);

  test('file names follow kubeconform: kind, first label of the group, version', () => {
    expect([...schemas.keys()].sort()).toEqual(['deployment-apps-v1.json', 'ingress-networking-v1.json', 'service-v1.json']);
    expect(schemaFileName('', 'v1', 'ConfigMap')).toBe('configmap-v1.json');
  });

  test('strict: objects with properties refuse others; maps stay maps; IntOrString takes both; refs resolve inside the file', () => {
    const d = schemas.get('deployment-apps-v1.json')!;
    expect(d.additionalProperties).toBe(false);
    expect(d.description).toBeUndefined();
    const spec = d.definitions['io.k8s.api.apps.v1.Spec'];
    expect(spec.additionalProperties).toBe(false);
    expect(spec.properties.labels.additionalProperties).toEqual({ type: 'string' });
    expect(d.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toEqual({ oneOf: [{ type: 'string' }, { type: 'integer' }] });
    expect(Object.keys(d.definitions).sort()).toEqual(['io.k8s.api.apps.v1.Spec', 'io.k8s.apimachinery.pkg.util.intstr.IntOrString']);
  });
});

test('the wrapper Deployment adds only a name, labels, one replica and a pinned image around the snippet', () => {
  const snippet = { containers: [{ name: 'api', ports: [{ name: 'http', containerPort: 8000 }] }], volumes: [{ name: 'tmp', emptyDir: {} }] };
  const d = wrapSnippet('api', snippet);
  expect(d.spec.replicas).toBe(1);
  expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api' });
  expect(d.spec.template.spec).toEqual({ ...snippet, containers: [{ name: 'api', image: 'registry.example.com/api:1.0.0', ports: snippet.containers[0].ports }] });
});

test('beside the wrapper: a Service and a NetworkPolicy on the named ports; a portless worker gets no Service and no ingress', () => {
  const [svc, np] = neighbours('api', [{ name: 'http', containerPort: 8000 }]);
  expect(svc.kind).toBe('Service');
  expect(svc.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
  expect(np.spec.ingress).toEqual([{ ports: [{ port: 'http', protocol: 'TCP' }] }]);
  const worker = neighbours('worker', []);
  expect(worker.map((o) => o.kind)).toEqual(['NetworkPolicy']);
  // An ingress rule with an empty ports list would let every port in.
  expect(worker[0].spec.ingress).toEqual([]);
  expect(worker[0].spec.egress).toEqual([]);
});
