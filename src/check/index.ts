// The checker of existing files: the projen task that runs it (the CLI is check/cli.ts).
export * from './alignment-check-task';
