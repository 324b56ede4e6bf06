"""HTTP API of the backend."""
