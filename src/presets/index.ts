// The presets: ContainerService with a stack's defaults and build stages (FastAPI, static frontend, Node, Go).
export * from './fastapi-backend';
export * from './static-frontend';
export * from './node-service';
export * from './go-service';
export * from './nginx-proxy';
