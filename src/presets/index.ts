export * from './fastapi-backend';
export * from './static-frontend';
