// The checker's third room: the findings and the rules that make them (reads `read/` and `pair/`).
export * from './_bind';
export * from './_compose';
export * from './_finding';
export * from './_healthcheck-need';
export * from './_image';
export * from './_ports';
export * from './_probes';
export * from './_security';
export * from './_timing';
export * from './_unpaired';
