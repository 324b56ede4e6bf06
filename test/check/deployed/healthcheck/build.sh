#!/bin/sh
docker build -t acme/runtime:1 runtime
docker build -t acme/svc:1 svc
docker build -t acme/job:1 job
