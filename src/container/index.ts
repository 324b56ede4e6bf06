export * from './container-user';
export * from './oci-labels';
