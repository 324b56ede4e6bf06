// The checker's fourth room: `--emit-projenrc`, the construct statements that adopt paired containers.
export * from './_emit-projenrc';
