# Partitrain orchestrator: docker build -f deploy/docker/orchestrator.Dockerfile -t REGISTRY/partitrain-orchestrator:0.1.0 .
# Multi-stage: the build stage compiles the reactor; the runtime image is a JRE, no build tools,
# and runs as an unprivileged user (uid 10001, matching the Kubernetes securityContext).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY shared/pom.xml shared/
COPY orchestrator/pom.xml orchestrator/
COPY worker/pom.xml worker/
COPY deploy/pom.xml deploy/
RUN mvn -B -q -pl orchestrator -am dependency:go-offline
COPY shared shared
COPY orchestrator orchestrator
COPY worker worker
COPY deploy deploy
RUN mvn -B -q -pl orchestrator -am package -DskipTests \
    && cp orchestrator/target/partitrain-orchestrator-*-service.jar /partitrain-orchestrator.jar

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 partitrain \
    && useradd --system --uid 10001 --gid partitrain --home-dir /home/partitrain --create-home partitrain
COPY --from=build /partitrain-orchestrator.jar /opt/partitrain/partitrain-orchestrator.jar
USER 10001:10001
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/partitrain/partitrain-orchestrator.jar"]
