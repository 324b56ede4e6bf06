// KustomizePatch: a strategic-merge patch of one container (its renderer is _render-k8s.ts).
import { IConstruct } from 'constructs';
import { Component, FileBase } from 'projen';
import { GeneratedFile } from '../_generated-file';
import { checkService, outputFile, setYamlDocuments } from './_common';
import { renderKustomizePatch } from './_render-k8s';
import { pathOf } from '../_paths';
import { checkDnsLabel } from '../_validate';
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
   * Project-relative path of the patch (`.yaml` or `.yml`).
   * @default 'k8s/patches/<name>.yaml'
   */
  readonly filePath?: string;
}

/**
 * A kustomize strategic-merge patch that sets one container's named port, startupProbe, livenessProbe,
 * readinessProbe, securityContext and writable `emptyDir` mounts on an existing Deployment (the container is
 * matched by name; the image and everything else stay as they are). Two documents: the first clears the
 * container's own `ports`, probes and `securityContext` (each `null`), the second sets the model's, so exactly the
 * model's port is left and no handler or field of the Deployment's own probe or securityContext survives beside
 * ours; a probe the model does not have stays cleared. No `$patch` directive (the API server's strategic merge
 * drops a `$patch` map whose key the Deployment lacks), so each document also works through
 * `kubectl patch --type strategic`. List it under `patches:` in your kustomization.yaml.
 *
 * @throws Error `<path>.<field>: must be <constraint>; received <value>` for an invalid option
 * @see https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/patches/
 * @see https://github.com/kubernetes/community/blob/master/contributors/devel/sig-api-machinery/strategic-merge-patch.md
 */
export class KustomizePatch extends Component {
  /** The generated patch. */
  public readonly file: FileBase;
  private readonly service: ContainerService;
  private readonly deploymentName: string;
  private readonly generated: GeneratedFile;

  /**
   * Adds the kustomize strategic-merge patch of one container to the project.
   * @param scope the projen project (or a component in it)
   * @param id construct id, used in error messages
   * @param options the container and the patch's options
   * @throws Error `<id>.<field>: must be <constraint>; received <value>` for an invalid option
   */
  public constructor(scope: IConstruct, id: string, options: KustomizePatchOptions) {
    super(scope, id);
    const path = pathOf(this);
    this.service = checkService(`${path}.service`, options?.service);
    this.deploymentName = checkDnsLabel(`${path}.deploymentName`, options.deploymentName ?? this.service.name);
    this.generated = outputFile(this, options.filePath, `k8s/patches/${this.service.name}.yaml`, ['.yaml', '.yml']);
    this.file = this.generated;
  }

  /** Renders the patch. */
  public preSynthesize(): void {
    setYamlDocuments(this.generated, renderKustomizePatch(this.service._model, this.deploymentName));
  }
}
