export * from './alignment-check-task';
