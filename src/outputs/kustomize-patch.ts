// KustomizePatch: a strategic-merge patch of one container and its guard (their renderers are in _render-k8s.ts).
import { IConstruct } from 'constructs';
import { Component, FileBase } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { checkService, outputFile, setYaml, setYamlDocuments } from './_common';
import { kustomizeGuardNotes, kustomizePatchNotes, renderKustomizeGuard, renderKustomizePatch } from './_render-k8s';
import { childPath, claimPaths, pathOf } from '../_paths';
import { checkDnsLabel, checkKnownKeys } from '../_validate';
import { ContainerService } from '../service/container-service';

/**
 * Options of `KustomizePatch`.
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches/
 */
export interface KustomizePatchOptions {
  /** The container whose settings the patch applies. */
  readonly service: ContainerService;

  /**
   * `metadata.name` of the existing Deployment to patch (an RFC 1123 DNS label).
   * @default - the container name
   */
  readonly deploymentName?: string;

  /**
   * Project-relative path of the patch (`.yaml` or `.yml`; no `..`, `.git`, `.projen` or `node_modules` segment). Its
   * guard is written beside it, the same name with `.replacements` before the extension. kustomize loads a patch
   * only from the folder of its kustomization.yaml or below (its load restrictor): put the patch under the overlay
   * that lists it.
   * @default 'k8s/patches/<name>.yaml'
   */
  readonly filePath?: string;
}

/** Every key of `KustomizePatchOptions`. */
const KUSTOMIZE_PATCH_OPTIONS_KEYS: Record<keyof KustomizePatchOptions, true> = { service: true, deploymentName: true, filePath: true };

/**
 * A kustomize strategic-merge patch that sets one container's named port, startupProbe, livenessProbe,
 * readinessProbe, securityContext and writable `emptyDir` mounts on an existing Deployment (the container is
 * matched by name; the image and everything else stay as they are), and its guard, a kustomize `replacements` file
 * that makes kustomize fail when the Deployment has no container of that name.
 *
 * The patch has two documents: the first clears the container's own probes and `securityContext` (each `null`), the
 * second sets the model's, so no handler or field of the Deployment's own probe or securityContext survives beside
 * ours; a probe the model does not have stays cleared. The model's port is merged by `containerPort` (the
 * Deployment's port of that number is replaced, its other ports stay); the volumes are named `<name>-<path>`
 * (`backend-tmp`), so they cannot meet a sidecar's. The pod's `terminationGracePeriodSeconds` is written only when
 * `shutdownGracePeriod` + 5 s is more than Kubernetes' default 30 s, and then replaces the Deployment's own value (a
 * comment in the file says so). No `$patch` directive (the API server's strategic merge drops a `$patch` map whose
 * key the Deployment lacks), so each document also works through `kubectl patch --type strategic`, one after the
 * other with the rollout paused around them (`kubectl rollout pause`, the documents, `kubectl rollout resume`): the
 * revision between the two has no probes and no securityContext.
 *
 * List the patch under `patches:` and the guard under `replacements:` in your kustomization.yaml: a strategic merge
 * adds a container the Deployment lacks (without an image, and kustomize exits 0); the guard stops that build, and
 * the one where the container has no port of the model's name after the patch.
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for an invalid option
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches/
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/replacements/
 * @see https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md
 */
export class KustomizePatch extends Component {
  /** The generated patch. */
  public readonly file: FileBase;
  /** The generated guard (kustomize `replacements`), beside the patch: `<name>.replacements.yaml`. */
  public readonly guardFile: FileBase;
  private readonly service: ContainerService;
  private readonly deploymentName: string;
  private readonly generated: GeneratedFile;
  private readonly guard: GeneratedFile;

  /**
   * Adds the kustomize strategic-merge patch of one container and its guard to the project.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the container and the patch's options
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: KustomizePatchOptions) {
    // Before super(): a refused options object leaves nothing in the project.
    checkKnownKeys(childPath(scope, id), options, KUSTOMIZE_PATCH_OPTIONS_KEYS, 'KustomizePatchOptions');
    super(scope, id);
    const path = pathOf(this);
    this.service = checkService(`${path}.service`, options?.service);
    this.deploymentName = checkDnsLabel(`${path}.deploymentName`, options.deploymentName ?? this.service.name);
    this.generated = outputFile(this, options.filePath, `k8s/patches/${this.service.name}.yaml`, ['.yaml', '.yml']);
    const guardPath = this.generated.path.replace(/(\.ya?ml)$/, '.replacements$1');
    claimPaths(this.project, path, { filePath: guardPath });
    this.guard = new GeneratedFile(this, guardPath);
    this.file = this.generated;
    this.guardFile = this.guard;
  }

  /** Renders the patch and its guard. */
  public preSynthesize(): void {
    const m = this.service._model;
    setYamlDocuments(this.generated, renderKustomizePatch(m, this.deploymentName), kustomizePatchNotes(m));
    const patchName = this.generated.path.split('/').pop()!;
    setYaml(this.guard, renderKustomizeGuard(m, this.deploymentName), kustomizeGuardNotes(m, this.deploymentName, patchName));
  }
}
