export * from './fastapi-backend';
export * from './static-frontend';
export * from './node-service';
export * from './go-service';
export * from './nginx-proxy';
