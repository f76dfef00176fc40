# The qgate gateway image.
#
#   docker build -t qgate .
#   docker run -p 8080:8080 -p 9090:9090 -e QGATE_ENDPOINTS=http://litellm:4000 qgate
#
# Both stages are build arguments, unqualified official images by default. For a Red Hat based
# image, pass a UBI 9 OpenJDK 21 runtime from your registry, for example
#   docker build --build-arg RUNTIME_IMAGE=<registry>/ubi9/openjdk-21-runtime -t qgate .
# The runtime stage needs only `java`, `chgrp` and `chmod`.
#
# The jar is compiled for Java 17 (the pom's release) by a JDK 21 build and runs on the Java 21
# runtime. The image runs as a numeric non-root user in group 0 and also under any UID OpenShift
# assigns (restricted-v2): nothing it needs is owned by that user alone, and it writes only to
# /tmp (Netty's native transport library is unpacked there).

ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# The reactor reads every module's pom, even of modules it does not build.
COPY pom.xml .
COPY routing/pom.xml routing/
COPY fleet/pom.xml fleet/
COPY discovery/pom.xml discovery/
COPY gateway/pom.xml gateway/
COPY bench/pom.xml bench/
COPY deploy/pom.xml deploy/
COPY routing/src routing/src
COPY discovery/src discovery/src
COPY gateway/src gateway/src
# Tests run in CI, not here; -Dmaven.test.skip also skips compiling them.
RUN mvn -B -q -pl gateway -am -Dmaven.test.skip=true package

FROM ${RUNTIME_IMAGE}
# Root only for the file permissions below (some runtime images default to a non-root user).
USER 0
WORKDIR /opt/qgate
COPY --from=build /src/gateway/target/qgate-gateway.jar /opt/qgate/qgate-gateway.jar
# Group 0 gets the owner's rights, so an arbitrary UID (always in group 0 on OpenShift) reads
# what the build user would.
RUN chgrp -R 0 /opt/qgate && chmod -R g=u /opt/qgate
# Container-aware memory: the heap is a share of the container's memory limit, leaving room for
# Netty's direct buffers, metaspace and threads. Exit on OutOfMemoryError so the pod restarts
# instead of limping on. Override with JAVA_TOOL_OPTIONS in the pod spec.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp"
# Client (OpenAI API) port and admin port (/metrics, /healthz, /readyz): server.port and
# admin.port's defaults.
EXPOSE 8080 9090
USER 1001:0
ENTRYPOINT ["java", "-jar", "/opt/qgate/qgate-gateway.jar"]
