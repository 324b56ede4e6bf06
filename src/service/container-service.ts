import { Component, FileBase } from 'projen';
import { ServiceModel } from './_service';
import { Dockerfile } from '../dockerfile/dockerfile';

/**
 * A container built from one model: its Dockerfile, its Kubernetes probe snippet and whatever else
 * must agree with them. The presets (`FastApiBackend`, `StaticFrontend`) are container services;
 * outputs that span several containers (Compose, kustomize, Helm values, reports) take them as this type.
 *
 * @see https://docs.docker.com/reference/dockerfile/#healthcheck
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
 */
export abstract class ContainerService extends Component {
  /** The container name (an RFC 1123 DNS label), as in the Kubernetes snippet. */
  public abstract readonly name: string;
  /** The one port the container listens on (1024-65535). */
  public abstract readonly port: number;
  /** The generated Dockerfile. */
  public abstract readonly dockerfile: Dockerfile;
  /** The generated Kubernetes snippet (a PodSpec fragment). */
  public abstract readonly kubernetesSnippet: FileBase;

  /**
   * The validated model every output of this container is rendered from.
   * @internal
   */
  public abstract readonly _model: ServiceModel;
}
