#!/usr/bin/env bash
# Runs before `npm test`: the OCI tests need a real registry (Debian's docker-registry, distribution 2.8).
# Installs it from apt when it is missing and we can (root, apt-get); otherwise those tests say they are skipped.
set -u
if [ -x /usr/bin/docker-registry ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test setup: installing docker-registry from apt"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >/dev/null) \
    || echo "test setup: could not install docker-registry; the OCI registry tests will be skipped"
else
  echo "test setup: docker-registry is not installed (apt-get install docker-registry); the OCI registry tests will be skipped"
fi
exit 0
