#!/bin/sh
# Builds the agent image (the only place that names its Dockerfile).
docker build -t "${REGISTRY:-ghcr.io/acme}/node-agent:${TAG:-dev}" -f images/agent/rootfs/Dockerfile .
