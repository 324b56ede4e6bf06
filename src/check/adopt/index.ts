// The checker's fourth room: `--emit-projenrc`, the construct statements that adopt paired containers, and their round trip.
export * from './_changes';
export * from './_emit-projenrc';
export * from './_hardening';
export * from './_refusals';
export * from './_round-trip';
export * from './_scratch';
export * from './_compose-service';
export * from './_image-only';
export * from './_side';
