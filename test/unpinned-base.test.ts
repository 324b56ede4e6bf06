// BaseImage.fromUnpinnedReference: a base that floats, written as it is, with a synth warning naming it.
import { BaseImage, ContainerService, HealthCheck, ImageFamily } from '../src';
import { errorOf, newProject, synth } from './util';

function build(baseImage: BaseImage, noDockerHealthcheck?: boolean) {
  const project = newProject();
  const warnings: string[] = [];
  project.logger.warn = (...args: any[]) => void warnings.push(args.join(' '));
  new ContainerService(project, 'relay', {
    baseImage,
    command: ['/usr/local/bin/relay'],
    healthCheck: HealthCheck.httpGet({ path: '/healthz' }),
    readinessCheck: HealthCheck.httpGet({ path: '/ready' }),
    noDockerHealthcheck,
  });
  return { files: synth(project), warnings };
}

describe('BaseImage.fromUnpinnedReference', () => {
  test('fromReference refuses an unpinned base; fromUnpinnedReference takes it, written as it is', () => {
    expect(errorOf(() => BaseImage.fromReference('alpine'))).toBe("BaseImage.reference: must be an image reference pinned by a tag other than 'latest' or by an @sha256 digest; received \"alpine\"");
    const { files, warnings } = build(BaseImage.fromUnpinnedReference('alpine'));
    const dockerfile = files['relay/Dockerfile'];
    expect(dockerfile).toMatch(/^FROM alpine AS production$/m);
    expect(dockerfile).toContain('Its base alpine is not pinned (BaseImage.fromUnpinnedReference): each build may take another image.');
    // The family is inferred as fromReference does: Alpine's apk and BusyBox adduser.
    expect(dockerfile).toMatch(/adduser -S -D -H -u 1000/);
    expect(warnings.filter((w) => w.includes('not pinned'))).toEqual([
      "relay.baseImage: alpine is not pinned (no tag, or latest; BaseImage.fromUnpinnedReference): each build may take another image (hadolint DL3006/DL3007); pin it with BaseImage.fromReference('<repository>:<version>') or a digest",
    ]);
  });

  test('latest and a distroless path without a tag: the family as fromReference infers it', () => {
    expect(BaseImage.fromUnpinnedReference('debian:latest').family).toBe(ImageFamily.DEBIAN);
    const d = BaseImage.fromUnpinnedReference('gcr.io/distroless/static-debian12');
    expect(d.family).toBe(ImageFamily.DISTROLESS);
    const { files } = build(d, true);
    expect(files['relay/Dockerfile']).toMatch(/^FROM gcr\.io\/distroless\/static-debian12 AS production$/m);
  });

  test('a malformed reference is still an error; a pinned one takes no warning', () => {
    expect(errorOf(() => BaseImage.fromUnpinnedReference('Not A Ref'))).toMatch(/^BaseImage\.reference: must be an image reference/);
    expect(build(BaseImage.fromUnpinnedReference('alpine:3.20')).warnings.filter((w) => w.includes('not pinned'))).toEqual([]);
  });
});
