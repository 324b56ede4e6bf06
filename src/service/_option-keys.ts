// The keys of ContainerServiceOptions and ContainerServiceProps: the one list each, kept complete by the compiler.
import { ContainerServiceOptions } from './container-service-options';
import { ContainerServiceProps } from './container-service-props';

/**
 * Every key of `ContainerServiceOptions` (the options all presets share). Typed `Record<keyof ...>`, so adding an
 * option without listing it here does not compile; a preset's own list spreads it and adds its own keys.
 */
export const CONTAINER_SERVICE_OPTIONS_KEYS: Record<keyof ContainerServiceOptions, true> = {
  name: true,
  directory: true,
  dockerfileName: true,
  port: true,
  noPort: true,
  portName: true,
  additionalPorts: true,
  ipv6: true,
  lowPortSysctl: true,
  healthCheck: true,
  readinessCheck: true,
  checkTool: true,
  checkBinary: true,
  noDockerHealthcheck: true,
  readinessTiming: true,
  readinessSuccessThreshold: true,
  probeTerminationGracePeriod: true,
  shutdownGracePeriod: true,
  timing: true,
  startPeriodMapping: true,
  dockerStartInterval: true,
  user: true,
  labels: true,
  writablePaths: true,
  dockerignore: true,
  replaceExisting: true,
  kubernetesFile: true,
};

/** Every key of `ContainerServiceProps` (a `ContainerService` used directly). */
export const CONTAINER_SERVICE_PROPS_KEYS: Record<keyof ContainerServiceProps, true> = {
  ...CONTAINER_SERVICE_OPTIONS_KEYS,
  baseImage: true,
  command: true,
  baseImageCommand: true,
  commandComment: true,
  stopSignal: true,
  entrypoint: true,
  buildStages: true,
  globalArgs: true,
  from: true,
  setupStage: true,
  instructions: true,
  unpinnedImages: true,
  systemPackages: true,
  addedTools: true,
  protectedPaths: true,
  stageName: true,
  dockerignoreEntries: true,
};
