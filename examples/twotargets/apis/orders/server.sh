#!/bin/sh
# stand-in: a real app listens on $PORT and answers /healthz
exec sleep infinity
