// The checker's second room: pairing each container with the Dockerfile that builds its image (reads only `read/`).
export * from './_pair';
