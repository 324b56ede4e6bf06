// Base images as the generator and the checker know them: the family (public), the facts and package names (internal).
export * from './image-family';
