// The checker's first room: reading Dockerfiles, manifests and build references, and the facts of the tools in an image.
export * from './_build-refs';
export * from './_compose';
export * from './_dockerfile';
export * from './_kustomize';
export * from './_manifests';
export * from './_skipped';
export * from './_tools';
export * from './_official-images';
export * from './_project-names';
export * from './_services';
export * from './_compose-run';
