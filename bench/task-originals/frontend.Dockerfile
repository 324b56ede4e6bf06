# Stage 1: Dependencies (bench: not shown in the task; the usual layout)
FROM node:22-alpine AS dependencies

# Set working directory
WORKDIR /app

# Copy dependency manifests
COPY package.json package-lock.json ./

# Install dependencies
RUN npm ci

# Stage 2: Build (bench: not shown in the task; the usual layout)
FROM dependencies AS build

# Copy sources
COPY . .

# Build the static site
RUN npm run build

# Stage 3: Production
# bench: nginx:1.27-bookworm instead of nginx:alpine (Alpine packages cannot be fetched here).
FROM nginx:1.27-bookworm AS production

# OCI Labels for container metadata
LABEL org.opencontainers.image.title="Full-stack template Frontend"
LABEL org.opencontainers.image.description="Lit web components frontend"
LABEL org.opencontainers.image.vendor="projen-containers"
LABEL org.opencontainers.image.licenses="MIT"

# Create non-root user and set up nginx directories
# bench: groupadd/useradd (Debian) instead of addgroup -S/adduser -S (Alpine BusyBox), same ids and names.
RUN groupadd -r -g 1000 appgroup && \
    useradd -r -u 1000 -g appgroup appuser && \
    mkdir -p /var/cache/nginx /var/run/nginx && \
    chown -R appuser:appgroup /var/cache/nginx /var/run/nginx /usr/share/nginx/html && \
    touch /var/run/nginx.pid && \
    chown appuser:appgroup /var/run/nginx.pid

# Copy custom nginx.conf that runs as non-root
COPY --chown=appuser:appgroup nginx.conf /etc/nginx/conf.d/default.conf

# Copy built assets from build stage
COPY --from=build --chown=appuser:appgroup /app/dist /usr/share/nginx/html

# Switch to non-root user
USER appuser

# Expose non-privileged port
EXPOSE 8080

# Health check on non-privileged port
HEALTHCHECK --interval=30s --timeout=10s --start-period=5s --retries=3 \
    CMD wget --no-verbose --tries=1 --spider http://localhost:8080/ || exit 1

# Start nginx
CMD ["nginx", "-g", "daemon off;"]
