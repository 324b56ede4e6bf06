export * from './dockerfile';
export * from './dockerfile-stage';
export * from './image-family';
export * from './instruction';
