# A Node.js base for the App image (Dockerfile at the repository root) where no image registry is reachable:
# a Debian base made by debootstrap (scripts/build-sandbox-image.sh imports one as tanuki-sandbox-base:<suite>)
# plus the host's Node.js and npm, git and CA certificates. Built by scripts/build-app-image.sh, which prepares the
# context:
#   node/   bin/node and lib/node_modules/npm, copied from the host (the binary needs only glibc and libstdc++)
#   ca/     optional extra-ca.crt: the host's NODE_EXTRA_CA_CERTS bundle, so npm trusts what the host trusts
ARG BASE_IMAGE=tanuki-sandbox-base:bookworm
FROM ${BASE_IMAGE}

COPY node/ /usr/local/
COPY ca/ /usr/local/share/tanuki-ca/

RUN set -eux; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates git; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /usr/share/doc/* /usr/share/man/*; \
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm; \
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx; \
    if [ ! -s /usr/local/share/tanuki-ca/extra-ca.crt ]; then \
      ln -sf /etc/ssl/certs/ca-certificates.crt /usr/local/share/tanuki-ca/extra-ca.crt; \
    fi; \
    node --version; npm --version; git --version

ENV NODE_EXTRA_CA_CERTS=/usr/local/share/tanuki-ca/extra-ca.crt
CMD ["node"]
