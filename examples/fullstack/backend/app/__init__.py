"""Backend of the projen-containers full-stack example."""
