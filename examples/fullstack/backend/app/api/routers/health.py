"""Health endpoints: the container HEALTHCHECK and the Kubernetes probes call these.

Liveness (`/health`) checks the process only; readiness (`/health/ready`) is where
checks of dependencies (database, caches) would go. Readiness also answers 503 while the
drain marker file exists (`/tmp/drain`, in the writable /tmp): a way to take the pod out of
the Service endpoints without restarting it (the kubelet e2e uses it).
"""

from pathlib import Path

from fastapi import APIRouter, Response

router = APIRouter(prefix="/health", tags=["health"])

DRAIN_MARKER = Path("/tmp/drain")


@router.get("")
def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "healthy"}


@router.get("/ready")
def ready(response: Response) -> dict[str, str]:
    """Readiness: the app can serve traffic (503 while draining)."""
    if DRAIN_MARKER.exists():
        response.status_code = 503
        return {"status": "draining"}
    return {"status": "ready"}
