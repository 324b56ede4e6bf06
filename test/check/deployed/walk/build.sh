#!/bin/sh
docker build -t acme/app:1.0 app
