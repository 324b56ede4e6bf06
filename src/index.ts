// The public API of projen-containers: every feature folder's exports.
export * from './duration';
export * from './container';
export * from './images';
export * from './dockerfile';
export * from './health';
export * from './kubernetes';
export * from './presets';
export * from './service';
export * from './outputs';
export * from './check';
