#!/usr/bin/env bash
# Runs before `npm test`: the OCI tests need a real registry (Debian's docker-registry, distribution 2.8),
# the Helm tests GnuPG (to sign chart provenance files as `helm package --sign` does).
# Installs what is missing from apt when we can (root, apt-get); otherwise those tests say they are skipped.
set -u
missing=()
[ -x /usr/bin/docker-registry ] || missing+=(docker-registry)
command -v gpg >/dev/null || missing+=(gnupg)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test setup: installing ${missing[*]} from apt"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null) \
    || echo "test setup: could not install ${missing[*]}; the tests that need them will be skipped"
else
  echo "test setup: ${missing[*]} not installed (apt-get install ${missing[*]}); the tests that need them will be skipped"
fi
exit 0
