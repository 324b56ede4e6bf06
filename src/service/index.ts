export * from './container-service-options';
