// Container identity: the account and the OCI labels.
export * from './container-user';
export * from './oci-labels';
export * from './additional-port';
export * from './port-protocol';
