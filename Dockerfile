# Images of the marketplace, built from the repository root:
#   docker build --target silo -t marketplace-silo .
#   docker build --target cli  -t marketplace-cli  .
#   docker build --target anvil -t marketplace-anvil .   (the development chain, from contracts/package-lock.json)
#   docker build --target prometheus -t marketplace-prometheus .   (Prometheus from Debian's package, for compose)
# Configuration comes only from the environment (Marketplace__Section__Key=value) and mounted files (--config); the
# silo keeps its data under one volume, /var/lib/marketplace. CI builds every target and runs docker-compose.yml
# (tests/Chaos); on a machine that reaches no registry, the base images are made locally first (README, Docker).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# ReadyToRun: the silo and the CLI ship precompiled for linux-x64 (every assembly, packages included), so a silo that
# starts, or restarts in a rolling upgrade, serves at full speed at once instead of spending minutes of CPU in the JIT.
RUN dotnet publish silo/Marketplace.Silo.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /out/silo \
 && dotnet publish cli/Marketplace.Cli.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /out/cli

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS silo
# curl for the health check only.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/marketplace /var/lib/marketplace-keys \
 && chown app:app /var/lib/marketplace /var/lib/marketplace-keys
WORKDIR /app
COPY --from=build /out/silo .
# Tiered compilation off: the precompiled code runs as it is and what is not precompiled is compiled once, fully
# optimised. With it on, a silo spent a third of a 2-core host's CPU for minutes after each start re-compiling hot
# methods, which is when a restarted silo is needed most (tests/Chaos, figures in docs/operators.md).
ENV Marketplace__DataFolder=/var/lib/marketplace \
    Marketplace__Http__Urls=http://0.0.0.0:8080 \
    DOTNET_TieredCompilation=0
# The silo's data: one silo's SQLite database and blob chunks, or in a cluster its storage providers' fragments (a
# cluster keeps blob chunks in PostgreSQL).
VOLUME /var/lib/marketplace
# Where a silo writes its copy of the cluster's development key (Marketplace:Api:DevKeyFile; the key itself is in the
# cluster's database).
VOLUME /var/lib/marketplace-keys
EXPOSE 8080 11111 30000
USER app
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/v1/health/ready || exit 1
ENTRYPOINT ["dotnet", "Marketplace.Silo.dll"]

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS cli
# The folder `chain deploy` writes the settlement key and chain.json into, owned by the same `app` user the silo
# runs as, so a volume mounted here starts owned by it and the silos can read the key (mode 0600); and /keys, where
# the compose file's cli service keeps the files its verbs write.
RUN mkdir -p /etc/marketplace/chain /keys && chown app:app /etc/marketplace/chain /keys
WORKDIR /app
COPY --from=build /out/cli .
USER app
ENTRYPOINT ["dotnet", "marketplace.dll"]

FROM node:20-bookworm-slim AS anvil
WORKDIR /opt/contracts
COPY contracts/package.json contracts/package-lock.json ./
RUN npm ci --no-audit --no-fund
USER node
EXPOSE 8545
ENTRYPOINT ["/opt/contracts/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil", "--host", "0.0.0.0", "--port", "8545", "--chain-id", "31337"]

FROM mcr.microsoft.com/dotnet/runtime:10.0 AS prometheus
RUN apt-get update && apt-get install -y --no-install-recommends prometheus && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus && chown app:app /prometheus
USER app
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus", "--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--web.listen-address=0.0.0.0:9090"]
