#!/bin/sh
docker build -t acme/static:1 static
docker build -t acme/chowned:1 chowned
docker build -t acme/varbase:1 varbase
