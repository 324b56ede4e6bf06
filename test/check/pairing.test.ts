/**
 * Pairing by evidence (issue 27 item 1), on small trees this test writes into the run's temp folder: never by the
 * checked-out folder's name; Dockerfiles named on the command line; image names by their last token, plural and
 * trailing words; build lines through variables and `cd`; wrapper folders (rootfs, docker); the list of Docker
 * Official Images; and every unpaired container saying why, with a ready `--pair` line.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { check, CheckResult } from '../../src/check/_check';
import { main } from '../../src/check/cli';
import { nameMatch, officialImage } from '../../src/check/pair';

/** Writes the files (path -> text) into a new folder named `name` under the run's temp folder; returns it. */
function tree(name: string, files: Record<string, string>): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pc-pairing-')), name);
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

afterAll(() => {
  for (const d of fs.readdirSync(os.tmpdir()).filter((x) => x.startsWith('pc-pairing-'))) fs.rmSync(path.join(os.tmpdir(), d), { recursive: true, force: true });
});

const deployment = (name: string, image: string, port = 8080) => [
  'apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: ${name}}`, 'spec:', '  template:', '    spec:', '      containers:',
  `        - name: ${name}`, `          image: ${image}`, `          ports: [{containerPort: ${port}}]`, '',
].join('\n');
const dockerfile = (port = 8080) => `FROM debian:12.8-slim\nUSER 10001:10001\nEXPOSE ${port}\nCMD ["/app"]\n`;

const run = (cwd: string, paths = ['.']) => check({ paths, cwd });
/** [Kind/workload/container, Dockerfile, by] or [..., null, reason]. */
const pairs = (r: CheckResult) => r.pairs.map((p) => {
  const c = p.container;
  const sel = `${c.kind}/${c.workload}/${c.name}`;
  return p.image ? [sel, p.image.file, p.by] : [sel, null, r.unpaired.find((u) => u.file === c.file && u.line === c.line)?.reason];
});

describe('pairing never depends on the checked-out folder\'s name', () => {
  const files = {
    'Dockerfile': dockerfile(),
    'deploy/k8s/app.yaml': deployment('shop', 'ghcr.io/acme/shop-api:1.0') + '---\n' + deployment('db', 'postgres:16.4', 5432),
  };

  test('a root Dockerfile pairs with the only own image of the deployed manifests, whatever the checkout is called', () => {
    for (const name of ['shop-api', 'renamed-checkout']) {
      expect(pairs(run(tree(name, files)))).toEqual([
        ['Deployment/shop/shop', 'Dockerfile', 'nearest'],
        ['Deployment/db/db', null, 'official'],
      ]);
    }
  });

  test('the checkout\'s name is no evidence; its project files (go.mod, package.json, the git remote) are', () => {
    const more = { ...files, 'tools/lint/Dockerfile': dockerfile() };
    // Two Dockerfiles: the checkout named like the image does not pick the root one.
    expect(pairs(run(tree('shop-api', more)))[0]).toEqual(['Deployment/shop/shop', null, 'none']);
    expect(pairs(run(tree('x', { ...more, 'go.mod': 'module github.com/acme/shop-api\n\ngo 1.23\n' })))[0]).toEqual(['Deployment/shop/shop', 'Dockerfile', 'image']);
    expect(pairs(run(tree('x', { ...more, 'package.json': '{"name": "@acme/shop-api"}' })))[0]).toEqual(['Deployment/shop/shop', 'Dockerfile', 'image']);
    expect(pairs(run(tree('x', { ...more, '.git/config': '[remote "origin"]\n\turl = git@github.com:acme/shop-api.git\n' })))[0]).toEqual(['Deployment/shop/shop', 'Dockerfile', 'image']);
  });
});

test('Dockerfiles named on the command line are candidates for the containers of a named manifest folder', () => {
  const dir = tree('named', {
    'manifests/api.yaml': deployment('api', 'registry.example.com/acme/api:2.0'),
    'manifests/web.yaml': deployment('web', 'registry.example.com/acme/web:2.0'),
    'images/api/Dockerfile': dockerfile(),
    'frontend/Dockerfile': dockerfile(),
  });
  expect(pairs(run(dir, ['manifests', 'images/api/Dockerfile']))).toEqual([
    ['Deployment/api/api', 'images/api/Dockerfile', 'image'],
    ['Deployment/web/web', null, 'none'],
  ]);
  // A folder of manifests and a root Dockerfile, both named: the only Dockerfile for the only image.
  const one = tree('one', { 'k8s/web.yaml': deployment('web', 'registry.example.com/acme/storefront:2.0'), 'Dockerfile': dockerfile() });
  expect(pairs(run(one, ['k8s', 'Dockerfile']))).toEqual([['Deployment/web/web', 'Dockerfile', 'nearest']]);
});

describe('image names by their last path token', () => {
  test('the name\'s last words (a common prefix), and a plural', () => {
    const dir = tree('retail', {
      'src/catalog/Dockerfile': dockerfile(),
      'src/cart/Dockerfile': dockerfile(),
      'src/payment/Dockerfile': dockerfile(),
      'deploy/kubernetes/catalog.yaml': deployment('catalog', 'public.ecr.aws/acme/retail-store-sample-catalog:1.2.1'),
      'deploy/kubernetes/cart.yaml': deployment('carts', 'public.ecr.aws/acme/retail-store-sample-cart:1.2.1'),
      'deploy/kubernetes/payments.yaml': deployment('payments', 'public.ecr.aws/acme/payments:1.2.1'),
    });
    expect(pairs(run(dir))).toEqual([
      ['Deployment/carts/carts', 'src/cart/Dockerfile', 'image'],
      ['Deployment/catalog/catalog', 'src/catalog/Dockerfile', 'image'],
      ['Deployment/payments/payments', 'src/payment/Dockerfile', 'image'],
    ]);
  });

  test('the last words count only after a prefix another image shares: a lone api-server does not answer to a folder server', () => {
    const dir = tree('lone', {
      'tools/server/Dockerfile': dockerfile(),
      'tools/lint/Dockerfile': dockerfile(),
      'k8s/api.yaml': deployment('api', 'ghcr.io/acme/api-server:1'),
    });
    expect(pairs(run(dir))).toEqual([['Deployment/api/api', null, 'none']]);
    // The checked-out project's name is such a prefix: acme-ops-controller answers to docker/controller.Dockerfile.
    const ops = tree('x', {
      'go.mod': 'module github.com/acme/acme-ops\n',
      'docker/controller.Dockerfile': dockerfile(),
      'docker/cli.Dockerfile': dockerfile(),
      'deploy/controller.yaml': deployment('controller', 'docker.io/acme/acme-ops-controller:0.1'),
    });
    expect(pairs(run(ops))).toEqual([['Deployment/controller/controller', 'docker/controller.Dockerfile', 'image']]);
  });

  test('the rule: same name 3, same words up to separators and a plural 2, trailing words between 1 and 2 (more words better), else 0', () => {
    expect(nameMatch('catalog', 'catalog')).toBe(3);
    expect(nameMatch('services', 'service')).toBe(2);
    expect(nameMatch('redis_exporter', 'redis-exporter')).toBe(2);
    expect(nameMatch('retail-store-sample-catalog', 'catalog')).toBe(1.01);
    expect(nameMatch('retail-store-sample-catalog', 'sample-catalog')).toBe(1.02);
    expect(nameMatch('guestbook', 'guestbook-go')).toBe(0);
    expect(nameMatch('catalogue', 'catalog')).toBe(0);
  });

  test('two equally good candidates leave the container unpaired, both named', () => {
    const dir = tree('twice', {
      'services/catalog/Dockerfile': dockerfile(),
      'legacy/catalog/Dockerfile': dockerfile(),
      'k8s/catalog.yaml': deployment('catalog', 'ghcr.io/acme/shop-catalog:1'),
      'k8s/cart.yaml': deployment('cart', 'ghcr.io/acme/shop-cart:1'),
    });
    const r = run(dir);
    expect(pairs(r)).toEqual([['Deployment/cart/cart', null, 'none'], ['Deployment/catalog/catalog', null, 'ambiguous']]);
    expect(r.unpaired[1].candidates).toEqual(['legacy/catalog/Dockerfile', 'services/catalog/Dockerfile']);
    expect(r.unpaired[1].why).toBe('2 Dockerfiles answer equally well to the name "shop-catalog" (legacy/catalog/Dockerfile, services/catalog/Dockerfile)');
  });
});

describe('build lines in Makefiles, scripts and CI files', () => {
  test('a Makefile line starting with ${DOCKER} or $(CONTAINER_TOOL), the file\'s own variables, and cd before the command', () => {
    const dir = tree('make', {
      'Makefile': [
        'CONTAINER_TOOL ?= docker', 'DOCKER ?= docker', 'IMG ?= controller:latest', 'REGISTRY ?= ghcr.io/acme', '',
        'docker-build:',
        '\t$(CONTAINER_TOOL) build -t ${IMG} .',
        '\t${DOCKER} build -t ${REGISTRY}/webhook:${TAG} -f cmd/hook/Dockerfile .',
        '\tcd jobs/runner && ${DOCKER} buildx build --push -t $(PUSH_REGISTRY)/worker:$(TAG) .',
        '',
      ].join('\n'),
      'Dockerfile': dockerfile(),
      'cmd/hook/Dockerfile': dockerfile(9443),
      'jobs/runner/Dockerfile': dockerfile(),
      'config/manager/manager.yaml': deployment('controller-manager', 'controller:latest'),
      'config/webhook/hook.yaml': deployment('hook', 'ghcr.io/acme/webhook:v1', 9443),
      'config/worker/worker.yaml': deployment('worker', 'quay.io/other/worker:v1'),
    });
    expect(pairs(run(dir))).toEqual([
      ['Deployment/controller-manager/controller-manager', 'Dockerfile', 'build'],
      ['Deployment/hook/hook', 'cmd/hook/Dockerfile', 'build'],
      ['Deployment/worker/worker', 'jobs/runner/Dockerfile', 'build'],
    ]);
  });

  test('Make variables made of variables, a tag-list variable in ifeq branches, $(shell pwd) as the context, the tag after it', () => {
    const makefile = [
      'PROJECT = gateway', 'REGISTRY ?= ghcr.io/acme', 'IMAGE := $(REGISTRY)/$(PROJECT)', 'ifeq ($(TAG_LATEST), true)',
      '\tIMAGE_TAGS = \\', '\t\t--tag $(IMAGE):$(VERSION) \\', '\t\t--tag $(IMAGE):latest', 'else', '\tIMAGE_TAGS = --tag $(IMAGE):$(VERSION)', 'endif', '',
      'container:', '\tdocker build \\', '\t\t--build-arg "BUILD_VERSION=$(BUILD_VERSION)" \\', '\t\t$(DOCKER_BUILD_LABELS) \\', '\t\t$(shell pwd) \\', '\t\t--tag $(IMAGE):$(VERSION)', '',
      'multiarch:', '\tdocker buildx build --platform linux/amd64 $(IMAGE_TAGS) $(shell pwd) | tee build.log', '',
    ].join('\n');
    const dir = tree('renamed', { 'Makefile': makefile, 'Dockerfile': dockerfile(), 'hack/Dockerfile': dockerfile(), 'examples/gw.yaml': deployment('gw', 'ghcr.io/acme/gateway:main') });
    expect(pairs(run(dir))).toEqual([['Deployment/gw/gw', 'Dockerfile', 'build']]);
    expect(path.relative(dir, run(dir).pairs[0].source!)).toBe('Makefile');
  });

  test('every branch of a Makefile conditional is a candidate: ifeq ... else ... endif variables name two builds', () => {
    const makefile = [
      'ifeq ($(ARCH),arm64)', 'DOCKERFILE = build/arm64.Dockerfile', 'IMG = ghcr.io/acme/agent-arm64', 'else', 'DOCKERFILE = build/Dockerfile', 'IMG = ghcr.io/acme/agent', 'endif', '',
      'image:', '\tdocker build -t $(IMG):$(TAG) -f $(DOCKERFILE) .', '',
    ].join('\n');
    const dir = tree('make-branches', {
      'Makefile': makefile,
      'build/Dockerfile': dockerfile(),
      'build/arm64.Dockerfile': dockerfile(),
      'deploy/agent.yaml': deployment('agent', 'ghcr.io/acme/agent:v1'),
      'deploy/agent-arm64.yaml': deployment('agent-arm64', 'ghcr.io/acme/agent-arm64:v1'),
    });
    expect(pairs(run(dir))).toEqual([
      ['Deployment/agent-arm64/agent-arm64', 'build/arm64.Dockerfile', 'build'],
      ['Deployment/agent/agent', 'build/Dockerfile', 'build'],
    ]);
  });

  test('package.json scripts and a buildx bake file', () => {
    const dir = tree('bake', {
      'web/package.json': JSON.stringify({ name: 'site', scripts: { 'docker:build': 'docker build -t acme/storefront-ui:dev -f docker/prod.Dockerfile .' } }),
      'web/docker/prod.Dockerfile': dockerfile(),
      'docker-bake.hcl': 'variable "REGISTRY" {\n  default = "ghcr.io/acme"\n}\ntarget "api" {\n  context = "services/core"\n  dockerfile = "Containerfile"\n  tags = ["${REGISTRY}/orders-api:latest"]\n}\n',
      'services/core/Containerfile': dockerfile(),
      'k8s/app.yaml': deployment('ui', 'acme/storefront-ui:1.0') + '---\n' + deployment('orders', 'ghcr.io/acme/orders-api:1.0'),
    });
    expect(pairs(run(dir))).toEqual([
      ['Deployment/ui/ui', 'web/docker/prod.Dockerfile', 'build'],
      ['Deployment/orders/orders', 'services/core/Containerfile', 'build'],
    ]);
  });

  test('a script\'s cd line and ${TAG:-default}; GitLab CI with kaniko; GitHub Actions through metadata-action; a Tiltfile', () => {
    const dir = tree('ci', {
      'scripts/build.sh': '#!/bin/sh\nset -e\nTAG="${TAG:-dev}"\ncd "$(dirname "$0")/.."\ncd services/queue\ndocker build -t "acme/queue-consumer:${TAG}" .\n',
      '.gitlab-ci.yml': 'build:\n  script:\n    - /kaniko/executor --context $CI_PROJECT_DIR/apps/billing-core --dockerfile Dockerfile --destination $CI_REGISTRY_IMAGE/invoicer:$CI_COMMIT_TAG\n',
      '.github/workflows/image.yml': [
        'on: push', 'env:', '  IMAGE: ghcr.io/acme/notifier', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:',
        '      - id: meta', '        uses: docker/metadata-action@v5', '        with:', '          images: |', '            ${{ env.IMAGE }}',
        '      - uses: docker/build-push-action@v6', '        with:', '          context: apps/mailer', '          tags: ${{ steps.meta.outputs.tags }}', '',
      ].join('\n'),
      'Tiltfile': "docker_build('acme/tilted', 'apps/dev-box', dockerfile='apps/dev-box/Containerfile')\n",
      'services/queue/Dockerfile': dockerfile(),
      'apps/billing-core/Dockerfile': dockerfile(),
      'apps/mailer/Dockerfile': dockerfile(),
      'apps/dev-box/Containerfile': dockerfile(),
      'k8s/all.yaml': [
        deployment('queue', 'acme/queue-consumer:1.0'), deployment('invoicer', 'registry.gitlab.com/acme/shop/invoicer:1.0'),
        deployment('notifier', 'ghcr.io/acme/notifier:1.0'), deployment('tilted', 'acme/tilted'),
      ].join('---\n'),
    });
    expect(pairs(run(dir))).toEqual([
      ['Deployment/queue/queue', 'services/queue/Dockerfile', 'build'],
      ['Deployment/invoicer/invoicer', 'apps/billing-core/Dockerfile', 'build'],
      ['Deployment/notifier/notifier', 'apps/mailer/Dockerfile', 'build'],
      ['Deployment/tilted/tilted', 'apps/dev-box/Containerfile', 'build'],
    ]);
  });
});

test('a Dockerfile in a rootfs, docker or build folder answers to its parent folder\'s name', () => {
  const dir = tree('wrappers', {
    'images/agent/rootfs/Dockerfile': dockerfile(),
    'images/proxy/rootfs/Dockerfile': dockerfile(),
    'gateway/docker/Dockerfile': dockerfile(),
    'deploy/agent.yaml': deployment('agent', 'ghcr.io/acme/agent:1'),
    'deploy/proxy.yaml': deployment('proxy', 'ghcr.io/acme/proxy:1'),
    'deploy/gateway.yaml': deployment('gateway', 'ghcr.io/acme/gateway:1'),
  });
  expect(pairs(run(dir))).toEqual([
    ['Deployment/agent/agent', 'images/agent/rootfs/Dockerfile', 'image'],
    ['Deployment/gateway/gateway', 'gateway/docker/Dockerfile', 'image'],
    ['Deployment/proxy/proxy', 'images/proxy/rootfs/Dockerfile', 'image'],
  ]);
});

describe('Docker Official Images: a listed set, not every name without a slash', () => {
  test('officialImage', () => {
    expect(['redis:7', 'nginx:1.27-alpine', 'postgres@sha256:00', 'docker.io/nginx:1', 'docker.io/library/anything:1', 'library/x'].map(officialImage)).toEqual([true, true, true, true, true, true]);
    expect(['controller:latest', 'myapp', 'cart', 'docker.io/storefront', 'bitnami/redis:7', 'ghcr.io/acme/nginx'].map(officialImage)).toEqual([false, false, false, false, false, false]);
  });

  test('a local image without a slash pairs with the only Dockerfile of its folder; an official one says so', () => {
    const dir = tree('local', {
      'app/Dockerfile': dockerfile(),
      'app/k8s.yaml': deployment('web', 'storefront:dev') + '---\n' + deployment('cache', 'redis:7.4', 6379),
    });
    const r = run(dir);
    expect(pairs(r)).toEqual([['Deployment/web/web', 'app/Dockerfile', 'nearest'], ['Deployment/cache/cache', null, 'official']]);
    expect(r.unpaired[0].why).toBe('redis:7.4 is a Docker Official Image, built elsewhere');
  });
});

describe('every unpaired container says why, with the nearest candidate as a ready --pair line', () => {
  const dir = () => tree('why', {
    'web/guestbook-go/Makefile': 'build:\n\tdocker build -t ${REGISTRY}/guestbook:${VERSION} .\n',
    'web/guestbook-go/Dockerfile': dockerfile(),
    'storage/vitess/guestbook.yaml': deployment('guestbook', 'vitess/guestbook:v2.0.0'),
    'storage/vitess/lb.yaml': deployment('lb', 'haproxy:3.0', 8404),
    'apps/a/Dockerfile': dockerfile(),
    'apps/b/Dockerfile': dockerfile(),
    'apps/k8s/api.yaml': deployment('api', 'ghcr.io/acme/api:1'),
  });

  test('the reasons in the result: far (a build file in another folder names the image), official, none with the nearest Dockerfile', () => {
    const r = run(dir());
    expect(r.unpaired).toEqual([
      {
        container: 'Deployment/api/api',
        file: 'apps/k8s/api.yaml',
        line: 8,
        image: 'ghcr.io/acme/api:1',
        reason: 'none',
        why: 'no Dockerfile answers to the name "api" (nearest Dockerfile: apps/a/Dockerfile)',
        candidates: ['apps/a/Dockerfile'],
        pair: '--pair Deployment/api/api=apps/a/Dockerfile',
      },
      {
        container: 'Deployment/guestbook/guestbook',
        file: 'storage/vitess/guestbook.yaml',
        line: 8,
        image: 'vitess/guestbook:v2.0.0',
        reason: 'far',
        why: 'only a far Dockerfile answers to the name "guestbook" (web/guestbook-go/Dockerfile: outside the manifest\'s app folder, or named by a build file in another folder)',
        candidates: ['web/guestbook-go/Dockerfile'],
        pair: '--pair Deployment/guestbook/guestbook=web/guestbook-go/Dockerfile',
      },
      {
        container: 'Deployment/lb/lb',
        file: 'storage/vitess/lb.yaml',
        line: 8,
        image: 'haproxy:3.0',
        reason: 'official',
        why: 'haproxy:3.0 is a Docker Official Image, built elsewhere',
        candidates: [],
      },
    ]);
  });

  test('a paired Dockerfile that cannot be read: unreadable, no --pair line', () => {
    const r = run(tree('broken', { 'api/Dockerfile': 'RUN echo no FROM\n', 'k8s/api.yaml': deployment('api', 'ghcr.io/acme/api:1') }));
    expect(r.unpaired.map((u) => [u.reason, u.why, u.pair])).toEqual([['unreadable', 'its Dockerfile api/Dockerfile could not be read (see its skipped line)', undefined]]);
    expect(r.skipped.map((s) => s.file)).toEqual(['api/Dockerfile']);
  });

  test('--verbose text: the reason in the PC019 message and the --pair line as its fix; JSON: an unpaired field', () => {
    const cwd = dir();
    let text = '';
    expect(main(['check', '--verbose', '.'], cwd, (s) => { text += s; }, () => undefined)).toBe(0);
    expect(text).toContain([
      'storage/vitess/guestbook.yaml:8: info PC019 [Deployment/guestbook/guestbook] container guestbook (image vitess/guestbook:v2.0.0) has no Dockerfile to compare with: only a far Dockerfile answers to the name "guestbook" (web/guestbook-go/Dockerfile: outside the manifest\'s app folder, or named by a build file in another folder)',
      '    fix: If web/guestbook-go/Dockerfile builds this image: --pair Deployment/guestbook/guestbook=web/guestbook-go/Dockerfile',
    ].join('\n'));
    let json = '';
    main(['check', '--format', 'json', '.'], cwd, (s) => { json += s; }, () => undefined);
    const out = JSON.parse(json);
    expect(out.unpaired.map((u: any) => [u.container, u.reason, u.pair ?? null])).toEqual([
      ['Deployment/api/api', 'none', '--pair Deployment/api/api=apps/a/Dockerfile'],
      ['Deployment/guestbook/guestbook', 'far', '--pair Deployment/guestbook/guestbook=web/guestbook-go/Dockerfile'],
      ['Deployment/lb/lb', 'official', null],
    ]);
    // The printed line is accepted as it stands.
    let paired = '';
    main(['check', '--format', 'json', out.unpaired[1].pair.split(' ')[0], out.unpaired[1].pair.split(' ')[1], '.'], cwd, (s) => { paired += s; }, () => undefined);
    expect(JSON.parse(paired).unpaired.map((u: any) => u.container)).toEqual(['Deployment/api/api', 'Deployment/lb/lb']);
  });

  test('PC019 only where the pairing is what is wrong (far, ambiguous, unreadable); a third-party image is explained in `unpaired`, not a finding', () => {
    const cwd = dir();
    const r = check({ paths: ['.'], cwd });
    // api: no Dockerfile answers to "api" (built elsewhere); lb: a Docker Official Image. Only guestbook (a far
    // Dockerfile answers to its name) is a finding.
    expect(r.findings.filter((f) => f.rule === 'PC019').map((f) => f.subject)).toEqual(['Deployment/guestbook/guestbook']);
    expect(r.unpaired.map((u) => u.container)).toEqual(['Deployment/api/api', 'Deployment/guestbook/guestbook', 'Deployment/lb/lb']);
    let text = '';
    main(['check', '--verbose', '.'], cwd, (s) => { text += s; }, () => undefined);
    const lines = text.split('\n');
    const api = lines.findIndex((l) => l.startsWith('unpaired ') && l.includes('[Deployment/api/api] no Dockerfile answers to the name "api"'));
    expect(api).toBeGreaterThanOrEqual(0);
    expect(lines[api + 1]).toBe('    pair: --pair Deployment/api/api=apps/a/Dockerfile');
    expect(lines.some((l) => l.startsWith('unpaired ') && l.includes('[Deployment/lb/lb]') && l.includes('is a Docker Official Image'))).toBe(true);
    // guestbook is carried by its PC019 finding, once.
    expect(lines.filter((l) => l.includes('[Deployment/guestbook/guestbook]') && (l.includes(' PC019 ') || l.startsWith('unpaired ')))).toHaveLength(1);
    // Without --verbose the explanation is not printed.
    let quiet = '';
    main(['check', '.'], cwd, (s) => { quiet += s; }, () => undefined);
    expect(quiet).not.toContain('unpaired ');
  });
});
