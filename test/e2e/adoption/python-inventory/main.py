"""The inventory service: GET /health (liveness), GET /ready (readiness), GET /stock. Listens on $PORT, default 8000."""
import os

import uvicorn
from fastapi import FastAPI

app = FastAPI(title="inventory")


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/ready")
def ready():
    return {"ready": True}


@app.get("/stock")
def stock():
    return [{"sku": "tea-1", "count": 12}]


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
