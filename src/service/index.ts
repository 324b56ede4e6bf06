export * from './container-service-options';
export * from './container-service';
