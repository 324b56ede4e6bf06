// Health checks: what is checked (HealthCheck), when (HealthTiming), with which tool, and the start-period mapping.
export * from './check-tool';
export * from './health-check';
export * from './health-check-kind';
export * from './health-timing';
export * from './http-scheme';
export * from './start-period-mapping';
export * from './readiness-timing';
