export * from './container-service-options';
export * from './container-service-props';
export * from './container-service';
