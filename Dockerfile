# Copyright 2026 The d1lint Authors. SPDX-License-Identifier: Apache-2.0
#
# The d1lint container image. GoReleaser builds it (the dockers section of
# .goreleaser.yaml) with the d1lint binary it built for the image's
# platform in the build context; it is not meant for a plain docker build.
#
#   docker run --rm -v "$PWD/..:/work" -w /work/d1-fleet ghcr.io/d1lint/d1lint:v1 check
#
# d1lint needs no shell, no git and no certificates (it never touches the
# network while it checks): distroless static, as its non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY d1lint /usr/local/bin/d1lint
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/d1lint"]
