// ContainerService: the general container and its options; its model lives in service/_model.ts.
export * from './container-service-options';
export * from './container-service-props';
export * from './container-service';
