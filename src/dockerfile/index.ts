// Dockerfiles as data: the file, its stages, its instructions and the base images.
export * from './dockerfile';
export * from './dockerfile-stage';
export * from './base-image';
export * from './image-family';
export * from './instruction';
export * from './run-mount';
