import { Duration } from '../duration';
import { ContainerService } from '../service/container-service';

/**
 * A reverse-proxy location of the static frontend's nginx: requests under `path` go to another container of the
 * model (e.g. `/api/` to the FastAPI backend, as the full-stack template's frontend does). The upstream is that
 * container's Compose service name / Kubernetes Service name (its container name unless `host` says otherwise)
 * and its model port, so moving the backend's port moves the proxy. The request path is passed on unchanged
 * (`/api/v1/health` reaches the backend as `/api/v1/health`), with `X-Forwarded-For`, `X-Forwarded-Proto` and
 * `X-Forwarded-Host`.
 *
 * nginx resolves the upstream name when it starts: in Compose, make the frontend depend on the backend; in
 * Kubernetes, the backend's Service must exist before the frontend starts.
 *
 * @see https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass
 */
export interface NginxProxy {
  /**
   * The location prefix, `/` then `[A-Za-z0-9._~/-]`, ending in `/` (e.g. `/api/`). Matched with `^~`, so a
   * proxied path with a file extension is proxied too, never answered from the static files.
   */
  readonly path: string;

  /** The container that answers: another container service of the same project, with a port. */
  readonly service: ContainerService;

  /**
   * The upstream host name: the Compose service and Kubernetes Service name of `service` (a lowercase DNS name).
   * @default - the service's container name
   */
  readonly host?: string;

  /**
   * `proxy_read_timeout`: how long nginx waits between two reads of the upstream's answer, whole seconds, 1 s to 1 h.
   * @default Duration.seconds(60)
   */
  readonly readTimeout?: Duration;
}
