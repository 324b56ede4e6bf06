"""Health endpoints: the container HEALTHCHECK and the Kubernetes probes call these.

Liveness (`/health`) checks the process only; readiness (`/health/ready`) is where
checks of dependencies (database, caches) would go.
"""

from fastapi import APIRouter

router = APIRouter(prefix="/health", tags=["health"])


@router.get("")
def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "healthy"}


@router.get("/ready")
def ready() -> dict[str, str]:
    """Readiness: the app can serve traffic."""
    return {"status": "ready"}
