# qgate gateway image.
#   docker build -t qgate .
#   docker run -p 8080:8080 -p 9090:9090 -e QGATE_ENDPOINTS=http://litellm:4000 qgate
# Built for Java 17; runs on a newer JRE. Runs under OpenShift's restricted-v2 SCC: any UID,
# group 0, nothing written outside /tmp.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY routing/pom.xml routing/
COPY discovery/pom.xml discovery/
COPY gateway/pom.xml gateway/
COPY bench/pom.xml bench/
COPY deploy/pom.xml deploy/
COPY routing/src routing/src
COPY discovery/src discovery/src
COPY gateway/src gateway/src
RUN mvn -B -q -pl gateway -am package -DskipTests

FROM eclipse-temurin:21-jre
WORKDIR /opt/qgate
COPY --from=build /src/gateway/target/qgate-gateway.jar /opt/qgate/qgate-gateway.jar
# Container-aware heap sizing; direct memory for Netty buffers stays within the pod limit.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
USER 1001:0
EXPOSE 8080 9090
ENTRYPOINT ["java", "-jar", "/opt/qgate/qgate-gateway.jar"]
