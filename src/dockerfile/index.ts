// Dockerfiles as data: the file, its stages, its instructions and the base image of a final stage.
export * from './dockerfile';
export * from './dockerfile-stage';
export * from './base-image';
export * from './instruction';
export * from './run-mount';
