export * from './command-intake';
