#!/bin/sh
docker build -t acme/app:1 app
docker build -t acme/nobody:1 nobody
docker build -t acme/www:1 www
docker build -t acme/static:1 static
