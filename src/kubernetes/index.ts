// Kubernetes: the typed probe set of a container (ContainerProbeSet and its parts), beside its renderer (_probes.ts).
export * from './container-probe-set';
