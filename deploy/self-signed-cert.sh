#!/bin/sh
# A self-signed certificate for trying the stack on one machine (compose service "certs").
# Never in production: put the province's real certificate in the same place instead.
set -eu
dir="${1:-/certs}"
name="${TLS_HOST:-localhost}"
if [ -s "$dir/ntm.crt" ] && [ -s "$dir/ntm.key" ]; then
    echo "certs: $dir/ntm.crt exists"; exit 0
fi
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$name" \
    -addext "subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1" \
    -keyout "$dir/ntm.key" -out "$dir/ntm.crt"
chmod 644 "$dir/ntm.crt" "$dir/ntm.key"
echo "certs: wrote a self-signed certificate for $name"
