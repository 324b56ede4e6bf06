// Outputs beyond the Dockerfile and snippet: Compose, kustomize, Helm, the report, typed Kubernetes probes, ECS.
export * from './kubernetes-probes';
export * from './compose-file';
export * from './kustomize-patch';
export * from './helm-values';
export * from './alignment-report';
export * from './service-outputs';
export * from './ecs-health-check';
