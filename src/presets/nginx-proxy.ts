import { Duration } from '../duration';
import { ContainerService } from '../service/container-service';

/**
 * A reverse-proxy route of the static frontend's nginx: requests for `path` go to another container of the model
 * (e.g. `/api` to the FastAPI backend, `/api/orders` to an order service), with their method, body, query and status
 * unchanged, never a redirect. The upstream is that container's Compose service name / Kubernetes Service name (its
 * container name unless `host` says otherwise) and its model port, so moving the backend's port moves the proxy.
 * The path reaches the upstream unchanged (`/api/v1/health` as `/api/v1/health`) unless `stripPrefix` or `upstreamPath` is set; the
 * request gets `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host`, and `Host` stays the client's.
 *
 * A prefix route `/api/orders` (with or without a trailing `/`, which changes nothing) is written as two nginx
 * locations, `location = /api/orders` and `location ^~ /api/orders/`: it matches `/api/orders`, `/api/orders?x=1`
 * and `/api/orders/1`, but not `/api/ordersX`, and never answers `/api/orders` with nginx's 301 to `/api/orders/`
 * (which a browser follows with GET, losing a POST's body). `^~` keeps a proxied path with a file extension
 * proxied, never answered from the static files. `exact: true` writes `location = <path>` alone.
 *
 * The upstream name is resolved when a request needs it, not when nginx starts (`proxy_pass` through a variable,
 * with the nameservers of the container's /etc/resolv.conf; answers kept 10 s): the frontend starts without its
 * upstreams and answers 502 on their paths until they resolve and answer. Under Kubernetes a name without a dot
 * (`backend`) gets the pod's namespace domain (the first `search` domain of resolv.conf), since nginx's resolver
 * applies no search domains; a Service of another namespace needs its full name
 * (`backend.other.svc.cluster.local`).
 *
 * @see https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass
 * @see https://nginx.org/en/docs/http/ngx_http_core_module.html#location
 * @see https://nginx.org/en/docs/http/ngx_http_core_module.html#resolver
 */
export interface NginxProxy {
  /**
   * The request path: `/` then one or more segments of `[A-Za-z0-9._~-]` separated by `/` (no `.` or `..`
   * segment), optionally ending in `/` (e.g. `/api`, `/api/orders`, `/api/`). A prefix route matches the path
   * itself and everything under it (`/api/orders`, `/api/orders/1`; not `/api/ordersX`); `/` itself serves the
   * static files and cannot be proxied.
   */
  readonly path: string;

  /**
   * Match `path` exactly (`location = <path>`; a trailing `/` then counts): `/api/orders` matches `/api/orders` and
   * `/api/orders?x=1` only.
   * @default false
   */
  readonly exact?: boolean;

  /**
   * Remove `path` from the request path before it reaches the upstream: `/api/orders/1` arrives as `/1`,
   * `/api/orders` as `/`, the query string kept (`rewrite ... break`; the path then reaches the upstream as nginx
   * normalized it: `%2F` decoded, `//` merged).
   * @default false (the path reaches the upstream unchanged)
   */
  readonly stripPrefix?: boolean;

  /**
   * Put this path in place of `path` before the request reaches the upstream, as an app's own
   * `rewrite ^/api(/.*)$ $1 break;` does for `location /api/orders`: `{ path: '/api/orders', upstreamPath: '/orders' }`
   * sends `/api/orders/1` as `/orders/1` and `/api/orders` as `/orders`, the query string kept. `/` then
   * segments of `[A-Za-z0-9._~-]`, no trailing `/`; not with `stripPrefix`.
   * @default - the path unchanged (or without `path`, with `stripPrefix`)
   * @throws Error `<id>.proxies[<i>].upstreamPath: must be a path like /orders ...` for another shape, or with `stripPrefix`
   * @see https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#rewrite
   */
  readonly upstreamPath?: string;

  /** The container that answers: another container service of the same project, with a port. */
  readonly service: ContainerService;

  /**
   * The upstream host name: the Compose service and Kubernetes Service name of `service` (a lowercase DNS name, or
   * an IPv4 address). Under Kubernetes a name without a dot gets the pod's namespace domain.
   * @default - the service's container name
   */
  readonly host?: string;

  /**
   * `proxy_connect_timeout`: how long nginx waits to connect to the upstream, whole seconds, 1 s to 75 s (nginx:
   * "usually cannot exceed 75 seconds").
   * @default Duration.seconds(60)
   */
  readonly connectTimeout?: Duration;

  /**
   * `proxy_send_timeout`: how long nginx waits between two writes of the request to the upstream, whole seconds,
   * 1 s to 1 h.
   * @default Duration.seconds(60)
   */
  readonly sendTimeout?: Duration;

  /**
   * `proxy_read_timeout`: how long nginx waits between two reads of the upstream's answer, whole seconds, 1 s to
   * 1 h (for a WebSocket: the longest silence before nginx closes it).
   * @default Duration.seconds(60)
   */
  readonly readTimeout?: Duration;

  /**
   * `client_max_body_size`: the largest request body nginx passes on, in bytes, 0 to 1 TiB (0: no limit); a larger
   * body is answered with 413 and never reaches the upstream. Written as nginx sizes (`1m`, `512k`, or bytes).
   * @default 1048576 (1 MiB, nginx's own default, written explicitly)
   */
  readonly maxBodySize?: number;

  /**
   * Pass WebSocket upgrades: `Upgrade: $http_upgrade` and `Connection: upgrade` (through a `map` of
   * `$http_upgrade`; `close` for plain requests) reach the upstream, so it can answer `101 Switching Protocols`.
   * @default false (plain HTTP/1.1 with `Connection: ""`)
   * @see https://nginx.org/en/docs/http/websocket.html
   */
  readonly webSocket?: boolean;
}
