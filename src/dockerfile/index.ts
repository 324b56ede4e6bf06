export * from './dockerfile';
export * from './dockerfile-stage';
export * from './base-image';
export * from './image-family';
export * from './instruction';
export * from './run-mount';
